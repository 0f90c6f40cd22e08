/** Shared set-up of the security suite: the embedded shape (every service, the worker included, in one broker). */
import { randomBytes } from "node:crypto";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { startStack, uniqueMongoUrl, type Stack } from "../../support/stack";
import { ADMIN, client } from "../../integration/auth/helpers";

export const inDays = (d: number) => new Date(Date.now() + d * 86400e3).toISOString();

export interface Embedded {
  stack: Stack;
  http: ReturnType<typeof client>;
  adminToken: string;
  /** An API key of a plain user (orchestrator family). */
  key: string;
  userId: string;
}

export async function startEmbedded(opts: { mods?: Parameters<typeof startStack>[0]["mods"] } = {}): Promise<Embedded> {
  const mongoUrl = uniqueMongoUrl("sec");
  const stack = await startStack({
    services: ["gateway", "auth", "keys", "storage", "jobs", "worker", "orchestrator", "tagger", "vocabularies", "audit", "feedback", "webhooks"],
    mongoUrl,
    broker: { namespace: `sec-${randomBytes(4).toString("hex")}` },
    mods: { orchestrator: { settings: { mongoUrl } }, tagger: { settings: { mongoUrl } }, ...opts.mods },
  });
  const http = client(stack.baseUrl);
  const adminToken = (await http("POST", "/v1/auth/login", { json: { login: ADMIN.email, password: ADMIN.password } })).body.token as string;
  const email = `sec-${randomBytes(3).toString("hex")}@example.com`;
  const userId = (await http("POST", "/v1/users", { json: { email, password: "Secure123!x", roles: ["User"] }, token: adminToken })).body.userId as string;
  const key = (await http("POST", "/v1/api-keys", { json: { name: "sec", userId, expiresAt: inDays(30) }, token: adminToken })).body.key as string;
  for (let i = 0; i < 100; i++) {
    const plugins = await stack.broker.call<Array<{ id: string }>>("jobs.plugins");
    if (plugins.some((p) => p.id === "redaction")) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { stack, http, adminToken, key, userId };
}

/** A text PDF: `lines` on as many pages as needed (Helvetica 9 pt, 70 lines a page). */
export async function linesPdf(lines: string[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < Math.max(1, lines.length); i += 70) {
    const page = doc.addPage([612, 792]);
    lines.slice(i, i + 70).forEach((line, j) => page.drawText(line, { x: 36, y: 760 - j * 10.5, size: 9, font }));
  }
  return doc.save();
}

export async function uploadJob(e: Embedded, bytes: Uint8Array, fields: Record<string, string> = {}, name = "doc.pdf") {
  const form = new FormData();
  form.append("file", new Blob([Buffer.from(bytes)], { type: "application/pdf" }), name);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const r = await fetch(`${e.stack.baseUrl}/v1/jobs`, { method: "POST", headers: { "x-api-key": e.key }, body: form });
  const text = await r.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- read loosely, as a client would
  return { status: r.status, body: (text ? JSON.parse(text) : null) as any };
}
