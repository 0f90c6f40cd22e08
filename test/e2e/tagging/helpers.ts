/** Shared set-up of the tag generator end-to-end tests: a stack with a logged-in user, and HTTP helpers. */
import { randomBytes } from "node:crypto";
import type { ServiceSchema } from "moleculer";
import { PDFDocument, StandardFonts } from "pdf-lib";
import WebSocket from "ws";
import { resetConfig } from "../../../kernel/config";
import { startStack, uniqueMongoUrl, type Stack } from "../../support/stack";

export const TAGGER_SERVICES = ["gateway", "auth", "storage", "jobs", "tagger"];

/**
 * Starts gateway + auth + storage + jobs + tagger (+ an in-process worker unless `worker: false`) and
 * logs a fresh user in. `env` is applied before the config is read (LLM_BASE_URL of a fake provider...).
 */
export async function startTagger(opts: { worker?: boolean; env?: Record<string, string>; tagger?: Omit<Partial<ServiceSchema>, "settings"> & { settings?: Record<string, unknown> }; broker?: Record<string, unknown>; services?: string[] } = {}) {
  Object.assign(process.env, opts.env ?? {});
  resetConfig();
  const services = [...TAGGER_SERVICES, ...(opts.services ?? []), ...(opts.worker === false ? [] : ["worker"])];
  const mongoUrl = uniqueMongoUrl("tag");
  // The tagger's data goes to the stack's database like the other data services.
  const tagger = { ...opts.tagger, settings: { mongoUrl, ...(opts.tagger?.settings ?? {}) } };
  // A namespace of our own: test files run in parallel on the run's NATS, and with a shared one their
  // JetStream consumer groups (work and job changes) would hand each other's messages around.
  const broker = { namespace: `tag-${randomBytes(4).toString("hex")}`, ...opts.broker };
  const stack = await startStack({ services, mongoUrl, mods: { tagger }, broker });
  const user = await login(stack.baseUrl, `u${Date.now()}${Math.random().toString(36).slice(2, 6)}@example.com`);
  return { stack, ...user };
}

export async function login(baseUrl: string, email: string) {
  const password = "correct-horse-battery";
  const reg = await fetch(`${baseUrl}/api/auth/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password, full_name: "Tag Tester" }) });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${await reg.text()}`);
  const res = await fetch(`${baseUrl}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
  const body = (await res.json()) as { tokens: { access_token: string }; user: { id: string } };
  return { token: body.tokens.access_token, userId: body.user.id };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are asserted field by field
export type Json = any;

export async function api(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const r = await fetch(baseUrl + path, { method, headers, body: payload });
  const text = await r.text();
  let parsed: Json = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: r.status, body: parsed };
}

export function pdfForm(bytes: Uint8Array | null, config: unknown, extra: Record<string, string> = {}, filename = "document.pdf"): FormData {
  const form = new FormData();
  if (bytes) form.append("pdf_file", new Blob([Buffer.from(bytes)], { type: "application/pdf" }), filename);
  if (config !== undefined) form.append("config", typeof config === "string" ? config : JSON.stringify(config));
  for (const [k, v] of Object.entries(extra)) form.append(k, v);
  return form;
}

export type { Stack };

/** A text PDF of the given lines (Helvetica 10 pt, 60 lines a page), for tests that need real prose. */
export async function textPdf(lines: readonly string[], title?: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  if (title) doc.setTitle(title);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < Math.max(1, lines.length); i += 60) {
    const page = doc.addPage([612, 792]);
    lines.slice(i, i + 60).forEach((line, j) => page.drawText(line, { x: 50, y: 750 - j * 12, size: 10, font }));
  }
  return doc.save();
}

const ARTICLE = [
  "Marine heatwaves have become more frequent over the last three decades, and coral reefs recover",
  "slowly between events. We combined benthic surveys at 38 reef sites with satellite-derived degree",
  "heating weeks to measure coral cover loss and recovery after three bleaching events. Coral cover",
  "fell by 41 percent after the first event. Recovery of coral cover took six years at sites dominated",
  "by fast-growing Acropora and was slower where macroalgae covered the reef. Water quality management",
  "shortened recovery, and the interval between marine heatwaves is now shorter than reef recovery.",
  "Herbivorous fish grazing kept macroalgae low on protected reefs. Sediment runoff from farmland",
  "reduced coral recruitment near river mouths. Juvenile corals settled mostly on dead branching",
  "skeletons. Heat stress above eight degree heating weeks killed most table corals, while massive",
  "Porites colonies survived. Local fisheries closures increased fish biomass within four years.",
  "Reef managers can combine water quality targets with protection of herbivores to speed recovery",
  "of coral reefs between marine heatwaves, but only emission cuts can lengthen that interval.",
];

/**
 * A short article on `pages` pages as journals print it: a running header and a footer on every page,
 * the metadata title an id, prose about coral reefs (enough distinct phrases for 10 tags).
 */
export async function articlePdf(pages = 3): Promise<Uint8Array> {
  const lines: string[] = [];
  const per = Math.ceil(ARTICLE.length / pages);
  for (let p = 1; p <= pages; p += 1) {
    const body = ARTICLE.slice((p - 1) * per, p * per);
    lines.push(`Journal of Reef Ecology - Vol. 12, No. 3, pp. ${200 + p}-219, 2023`, "", ...body, "", `Page ${p} of ${pages}`);
    while (lines.length % 60 !== 0) lines.push("");
  }
  return textPdf(lines, "xx-01");
}

/** Every message of a batch WebSocket until the server closes it. */
export function watchBatch(baseUrl: string, jobId: string, token: string): { messages: Json[]; closed: Promise<{ code: number }>; onMessage(fn: (m: Json) => void): void } {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/api/batch/ws/${jobId}?token=${encodeURIComponent(token)}`);
  const messages: Json[] = [];
  const listeners: Array<(m: Json) => void> = [];
  ws.on("message", (data) => {
    const m = JSON.parse(String(data)) as Json;
    messages.push(m);
    for (const l of listeners) l(m);
  });
  const closed = new Promise<{ code: number }>((resolve) => ws.on("close", (code) => resolve({ code })));
  return { messages, closed, onMessage: (fn) => listeners.push(fn) };
}

/** A big stored vocabulary (vocabulary-ref.test.ts, split.test.ts): FILLER concepts beside the topic's, over 1 MB as JSON. */
export const FILLER = 12_000;
const SYL = ["ka", "vo", "mu", "ze", "lo", "pi", "ru", "ne", "ta", "xi", "bo", "qu", "fe", "du", "wy", "sa"];
/** Distinct letter-only labels nobody writes in a policy paper ("Qavomu qozeka"): one per n. */
function fillerLabel(n: number): string {
  let w = "";
  do {
    w += SYL[n % 16];
    n = Math.floor(n / 16);
  } while (n > 0);
  return `Qa${w} qo${[...w].reverse().join("")}`;
}

/** A policy paper's (digitalGovernance's) topic concepts of the document, as version 1 names them and as version 2 renames them. */
export const V1 = [
  ["gov", "Digital governance", "digital government"],
  ["id", "Digital identity", ""],
  ["dp", "Data protection", "privacy"],
  ["od", "Open data", ""],
  ["cyber", "Cybersecurity", "cyber security"],
] as const;
const V2: Record<string, [string, string]> = {
  gov: ["Electronic government", "digital governance|digital government"],
  id: ["Electronic identity", "digital identity"],
  dp: ["Privacy protection", "data protection|privacy"],
};
export const RENAMED_V1 = ["Digital governance", "Digital identity", "Data protection"];
export const RENAMED_V2 = ["Electronic government", "Electronic identity", "Privacy protection"];

export function vocabularyCsv(version: 1 | 2): string {
  const lines = ["prefLabel,altLabels,broader,id"];
  for (const [id, pref, alt] of V1) {
    const [p, a] = version === 2 && V2[id] ? V2[id]! : [pref, alt];
    lines.push(`${p},${a},,${id}`);
  }
  // Three synonyms each: about 100 bytes of JSON per concept.
  for (let i = 0; i < FILLER; i++) lines.push(`${fillerLabel(4 * i)},${fillerLabel(4 * i + 1)}|${fillerLabel(4 * i + 2)}|${fillerLabel(4 * i + 3)},,f${i}`);
  return lines.join("\n");
}

