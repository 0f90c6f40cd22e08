/**
 * Redaction of a scan that lies on its side (an HR form scanned rotated by 90°, image only, no text layer),
 * end to end through the gateway: the OCR turns the page upright, the detectors find the personal data on
 * it, the accepted findings are painted out, and an independent reader (Debian's tesseract, with its own
 * OSD) no longer finds them on the output while the rest of the form stays readable.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { pdfPool } from "../../../sdk/pdf/pool";
import { type ScanPage, scanPage, scanPdf } from "../../support/scan-corpus";
import type { Stack } from "../../support/stack";
import { apiUser, startRedactionStack, waitForStatus, type Http } from "../../support/redaction-e2e";

jest.setTimeout(900_000);
// Correctness, not speed, is tested here: on a machine shared by six developers a page may need minutes.
process.env.DOCMILL_OCR_PAGE_TIMEOUT_MS = "600000";
const run = promisify(execFile);

let stack: Stack;
let http: Http;
let key = "";
let page: ScanPage;
let pdf: Uint8Array;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JobResponse read loosely, as a client would
const waitFor = (id: string, wanted: string[]): Promise<any> => waitForStatus(http, id, key, wanted, 2400);

async function download(id: string, fileType: string): Promise<Uint8Array> {
  const r = await fetch(`${stack.baseUrl}/v1/jobs/${id}/files/${fileType}`, { headers: { "x-api-key": key } });
  expect(r.status).toBe(200);
  return new Uint8Array(await r.arrayBuffer());
}

/** The text native tesseract reads on page 1 of a PDF rendered by poppler (both independent of docmill). */
async function nativeText(bytes: Uint8Array): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), "docmill-rot-"));
  try {
    writeFileSync(path.join(dir, "in.pdf"), bytes);
    await run("pdftoppm", ["-r", "300", "-png", "-f", "1", "-l", "1", path.join(dir, "in.pdf"), path.join(dir, "p")]);
    const { stdout } = await run("tesseract", [path.join(dir, "p-1.png"), "-", "--psm", "1", "-l", "eng"], {
      env: { ...process.env, OMP_THREAD_LIMIT: "1" }, maxBuffer: 16 << 20,
    });
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  let admin: string;
  ({ stack, http, admin } = await startRedactionStack("rotscan"));
  ({ key } = await apiUser(http, admin, { email: "scans@example.com", password: "Scans123!xy", keyName: "scanner", days: 1 }));
  // The "form" layout: name, date of birth, e-mail, phone, address.
  page = await scanPage("rot90", 4242, 2);
  pdf = await scanPdf([page]);
});

afterAll(async () => {
  await stack?.stop();
  await pdfPool.close();
});

it("finds the personal data on a page scanned sideways and removes it from the output", async () => {
  const email = page.words.find((w) => /@/.test(w.text))!;
  expect(email).toBeDefined();
  const form = new FormData();
  form.append("file", new Blob([Buffer.from(pdf)], { type: "application/pdf" }), "form-sideways.pdf");
  const created = await fetch(`${stack.baseUrl}/v1/jobs`, { method: "POST", headers: { "x-api-key": key }, body: form });
  expect(created.status).toBe(201);
  const id = (await created.json()).id as string;
  await waitFor(id, ["readyForReview"]);

  const detections = JSON.parse(Buffer.from(await download(id, "detections")).toString());
  const findings = detections.findings as Array<{ label: string; text: string; page: number; boxes?: Array<{ x: number; y: number; width: number; height: number }> }>;
  const found = findings.find((f) => f.label === "EMAIL_ADDRESS");
  expect(found?.text).toBe(email.text);
  expect(findings.map((f) => f.label)).toEqual(expect.arrayContaining(["EMAIL_ADDRESS", "PHONE_NUMBER"]));

  expect((await http("POST", `/v1/jobs/${id}/redaction`, { apiKey: key, json: {} })).status).toBe(202);
  const job = await waitFor(id, ["finished"]);
  expect(job.verification).toMatchObject({ leaks: 0 });
  const out = await download(id, "redactedPdf");

  // An independent reader no longer sees the e-mail address, and still reads the form's labels.
  const text = await nativeText(out);
  expect(text).not.toContain(email.text);
  expect(text.toLowerCase()).toMatch(/employee information form/);
  // The pixels where the address lies on the (sideways) page are painted out.
  const { png, scale } = await pdfPool.render(out, 1, { dpi: 100 });
  const under = await sharp(png).extract({
    left: Math.round(email.box.x * scale) + 1, top: Math.round(email.box.y * scale) + 1,
    width: Math.max(1, Math.round(email.box.width * scale) - 2), height: Math.max(1, Math.round(email.box.height * scale) - 2),
  }).greyscale().raw().toBuffer();
  expect(Math.max(...under)).toBeLessThan(60);
  // And the words around it are still there for the reviewer: the label next to the address.
  expect(text).toMatch(/Email:/);
});
