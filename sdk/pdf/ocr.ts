/**
 * OCR of page images with tesseract.js, fully offline: the language data comes from Debian's
 * tesseract-ocr-<lang> packages when installed (tessdata "fast", the models native tesseract reads; see
 * tessdataDir) and otherwise from the @tesseract.js-data/<lang> npm packages (LSTM "best_int" models; the
 * legacy "osd" model for orientation and script); nothing is fetched or cached on disk by tesseract.js
 * itself (`cacheMethod: "none"`; a local `langPath` is read with fs, never with fetch).
 *
 * One page goes through (every step measured on the page, recorded in `OcrResult.page`):
 *   1. decode once to 8-bit grey;
 *   2. measure: Otsu level, specks (tiny isolated ink components), stroke width;
 *   3. denoise when the page is dusty: median 3, then the remaining specks removed as components; never
 *      a global threshold (it turns specks into "text": the 0-word pages of issue 12); on a page with light
 *      dust only the specks far from any other ink (they join a label to its value);
 *   4. orientation and script with Tesseract's OSD (legacy engine, `osd` data): 90/180/270° pages are
 *      turned upright, Devanagari adds `hin`;
 *   5. deskew by projection profile, rotated with sharp;
 *   6. recognise with automatic page segmentation (psm 3, what `tesseract --psm 1` does after OSD);
 *   7. when the result is weak (low confidence or too few words for the ink on the page), a second pass
 *      with another preprocessing / segmentation / language set; the better one is kept;
 *   8. boxes go back through the exact inverse of every rotation to the caller's image, then to points.
 *
 * Boxes are returned in the engine convention (types.ts): points of the displayed page, top-left origin,
 * scaled from pixels with the page size the caller gives.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { threadId } from "node:worker_threads";
import { gunzipSync } from "node:zlib";
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { OEM, PSM, createWorker, type Worker as TesseractWorker } from "tesseract.js";
import { PdfError } from "./errors";
import {
  type Affine, type Grey, IDENTITY, clusters, compose, crop, despeckle, invert, hasDevanagari, headlinesAreScript, inkMask, inkStats, isolationRadius, mapBox, otsu, removeIsolated, probeScript, readProbe, sidewaysRatio, skewAngle, speckArea, uncovered, unrotate,
} from "./preprocess";
import type { OcrOptions, OcrPageReport, OcrPass, OcrResult, OcrWord } from "./types";

/** The npm packages' model flavour we load: LSTM-only integer models ("best" converted to integers). */
const MODEL_DIR = "4.0.0_best_int";
/** Data packages that are not recognition languages. */
const NOT_LANGUAGES = new Set(["osd", "equ"]);

function dataRoot(): string {
  // Every language package sits beside eng's; eng is a declared dependency.
  return path.dirname(path.dirname(require.resolve("@tesseract.js-data/eng/package.json")));
}

/** Debian's tesseract-ocr-<lang> packages put their models here (tessdata "fast", as native tesseract 5 reads). */
export const DEBIAN_TESSDATA = "/usr/share/tesseract-ocr/5/tessdata";

/**
 * DOCMILL_TESSDATA_DIR: a folder of plain `<code>.traineddata` files whose models are used instead of the
 * npm packages' for the languages it has (the others still come from npm); default Debian's folder of the
 * tesseract-ocr-<lang> packages, when it exists; `none` for the npm packages only. With Debian's, docmill
 * reads a page with the very models a native `tesseract` uses (tessdata "fast"): measured on the OCR
 * benchmark's unseen seeds, its words miss native's on fewer degradations than the npm packages'
 * best_int ones (1 class of 11 per seed instead of 3: a digit or letter here and there that one model
 * reads and the other does not), and its network is a quarter the size, so recognition is faster.
 * Or an operator's own trained models.
 */
export function tessdataDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env.DOCMILL_TESSDATA_DIR?.trim();
  if (dir === "none") return undefined;
  if (dir) return path.resolve(dir);
  return existsSync(DEBIAN_TESSDATA) ? DEBIAN_TESSDATA : undefined;
}

interface ModelFile {
  file: string;
  gzip: boolean;
  /** "npm" (@tesseract.js-data/<code>, best_int) or the DOCMILL_TESSDATA_DIR folder it came from. */
  source: string;
}

let models: Map<string, ModelFile> | undefined;

/** Every model we can load, by code (languages and osd): DOCMILL_TESSDATA_DIR's first, then the npm packages'. */
function modelFiles(): Map<string, ModelFile> {
  if (models) return models;
  const found = new Map<string, ModelFile>();
  const own = tessdataDir();
  if (own && existsSync(own)) {
    for (const f of readdirSync(own).sort()) {
      if (f.endsWith(".traineddata")) found.set(f.slice(0, -".traineddata".length), { file: path.join(own, f), gzip: false, source: own });
    }
  }
  const root = dataRoot();
  for (const code of readdirSync(root).sort()) {
    const file = path.join(root, code, MODEL_DIR, `${code}.traineddata.gz`);
    if (!found.has(code) && existsSync(file)) found.set(code, { file, gzip: true, source: "npm" });
  }
  models = found;
  return found;
}

/** Where each language's model comes from ("npm" or the DOCMILL_TESSDATA_DIR folder), for reports and benchmarks. */
export function modelSources(): Record<string, string> {
  return Object.fromEntries([...modelFiles()].map(([code, m]) => [code, m.source]));
}

/**
 * Tesseract language codes whose data is installed (e.g. ["deu", "eng", "fra", "hin", "spa"]): every
 * `@tesseract.js-data/<code>` package present in node_modules, and every `<code>.traineddata` in
 * DOCMILL_TESSDATA_DIR. An operator adds one with `npm install @tesseract.js-data/<code>` (or by dropping
 * its file in that folder); nothing else to configure.
 */
export function languagesAvailable(): string[] {
  return [...modelFiles().keys()].filter((code) => !NOT_LANGUAGES.has(code)).sort();
}

/** True when the orientation-and-script model (@tesseract.js-data/osd, or osd.traineddata in DOCMILL_TESSDATA_DIR) is installed. */
export function osdAvailable(): boolean {
  return modelFiles().has("osd");
}

/** Normalises "eng+deu" / ["deu", "eng"] to a sorted list, refusing languages we do not ship. */
export function parseLangs(lang: string | string[] | undefined): string[] {
  const list = (Array.isArray(lang) ? lang : (lang ?? "eng").split("+")).map((l) => l.trim()).filter(Boolean);
  const langs = [...new Set(list.length > 0 ? list : ["eng"])].sort();
  const known = languagesAvailable();
  const missing = langs.filter((l) => !known.includes(l));
  if (missing.length > 0) {
    throw new PdfError("OCR_LANGUAGE_UNAVAILABLE", `OCR language(s) not available: ${missing.join(", ")}`, {
      requested: langs, available: known,
    });
  }
  return langs;
}

let langDir: string | undefined;

/** The name the second-opinion model goes by in the language folder (not a language: never listed or asked for). */
const SECOND_OPINION = "eng_best_int";

/**
 * The model that reads uncertain figures a second time (step 9 of ocrImage): the npm package's eng
 * "best_int", when the page models are another set (Debian's "fast" ones). The two networks err on
 * different glyphs: on invoice totals "fast" reads a bold 5 as 9 at confidence 84-91 and "best" reads it
 * right; a card number or an IBAN with one wrong digit fails its checksum and is never redacted. With
 * DOCMILL_TESSDATA_DIR=none the page is already read by this model and there is no second opinion.
 */
function secondOpinionModel(): ModelFile | undefined {
  if (modelFiles().get("eng")?.source === "npm") return undefined;
  const file = path.join(dataRoot(), "eng", MODEL_DIR, "eng.traineddata.gz");
  return existsSync(file) ? { file, gzip: true, source: "npm" } : undefined;
}

/**
 * tesseract.js reads every language from one `langPath` folder, in one format (its `gzip` option is per
 * worker), but the models sit in one npm package each, gzipped, and maybe in DOCMILL_TESSDATA_DIR, plain:
 * a temp folder gets a link to each plain file and a one-time unzipped copy of each npm one. The folder is
 * named after the exact files (path, size, mtime), so two checkouts or an updated package never mix.
 */
function languageFolder(): string {
  if (langDir) return langDir;
  const files = [...modelFiles()];
  const key = createHash("sha1");
  for (const [code, m] of files) {
    const st = statSync(m.file);
    key.update(`${code}\0${m.file}\0${st.size}\0${st.mtimeMs}\n`);
  }
  const second = secondOpinionModel();
  if (second) key.update(`${SECOND_OPINION}\0${second.file}\0${statSync(second.file).size}\n`);
  const dir = path.join(os.tmpdir(), `docmill-tessdata-${key.digest("hex").slice(0, 12)}`);
  mkdirSync(dir, { recursive: true });
  for (const [code, m] of [...files, ...(second ? [[SECOND_OPINION, second] as const] : [])]) {
    const target = path.join(dir, `${code}.traineddata`);
    if (existsSync(target)) continue;
    // Written under a private name and renamed: another thread or process may be making the same file.
    const tmp = `${target}.${process.pid}.${threadId}.tmp`;
    if (m.gzip) writeFileSync(tmp, gunzipSync(readFileSync(m.file)));
    else symlinkSync(m.file, tmp);
    renameSync(tmp, target);
  }
  langDir = dir;
  return dir;
}

// ---------------------------------------------------------------------------------------------------------
// Warm workers: per pool thread, one per language set (LRU) plus one OSD worker. The pool runs one task
// per thread at a time, so a thread's workers never serve two pages at once.

/** At most this many recognition workers (one per language set) stay alive per thread; each holds ~50-150 MB. */
const MAX_WORKERS = 3;
const workers = new Map<string, Promise<TesseractWorker>>();
let osdWorker: Promise<TesseractWorker> | undefined;

/**
 * One Tesseract worker reading our language folder as it is on disk (no cache, no gzip), with its
 * diagnostics ("Image too small to scale!!") sent to /dev/null rather than the service's stderr.
 * `legacy`: OSD needs the legacy engine and model; recognition runs LSTM only.
 */
function startWorker(langs: string | string[], oem: OEM, legacy: boolean, params: Record<string, string>): Promise<TesseractWorker> {
  return createWorker(langs, oem, {
    langPath: languageFolder(),
    cacheMethod: "none",
    gzip: false,
    legacyCore: legacy,
    legacyLang: legacy,
  }).then(async (w) => {
    await w.setParameters(params);
    return w;
  });
}

/** A recognition worker (LSTM only): the settings every recognition model runs with, the second-opinion one included. */
function startRecogniser(langs: string[]): Promise<TesseractWorker> {
  return startWorker(langs, OEM.LSTM_ONLY, false, { preserve_interword_spaces: "0", debug_file: "/dev/null" });
}

/** Not `async`: callers get the cached promise itself, which is what `discard` looks up. */
function getWorker(langs: string[]): Promise<TesseractWorker> {
  const key = langs.join("+");
  let worker = workers.get(key);
  if (worker) {
    // Re-insert: the Map's order is our least-recently-used order.
    workers.delete(key);
    workers.set(key, worker);
    return worker;
  }
  if (workers.size >= MAX_WORKERS) {
    const [oldestKey, oldest] = workers.entries().next().value as [string, Promise<TesseractWorker>];
    workers.delete(oldestKey);
    void oldest.then((w) => w.terminate()).catch(() => undefined);
  }
  worker = startRecogniser(langs);
  workers.set(key, worker);
  worker.catch(() => workers.delete(key));
  return worker;
}

/** OSD needs Tesseract's legacy engine and the legacy `osd` model; undefined when that data is absent. */
function getOsdWorker(): Promise<TesseractWorker> | undefined {
  if (!osdAvailable()) return undefined;
  osdWorker ??= startWorker("osd", OEM.TESSERACT_ONLY, true, { debug_file: "/dev/null" });
  osdWorker.catch(() => (osdWorker = undefined));
  return osdWorker;
}

let secondWorker: Promise<TesseractWorker> | undefined;

/** The worker of the second-opinion model; undefined when there is none (see secondOpinionModel). */
function getSecondOpinionWorker(): Promise<TesseractWorker> | undefined {
  if (!secondOpinionModel()) return undefined;
  secondWorker ??= startRecogniser([SECOND_OPINION]);
  secondWorker.catch(() => (secondWorker = undefined));
  return secondWorker;
}

/** Drops a worker that timed out (terminating is the only way to stop a running recognize). */
function discard(worker: Promise<TesseractWorker>): void {
  for (const [k, w] of workers) if (w === worker) workers.delete(k);
  if (osdWorker === worker) osdWorker = undefined;
  if (secondWorker === worker) secondWorker = undefined;
  void worker.then((w) => w.terminate()).catch(() => undefined);
}

/** Stops this thread's Tesseract workers (tests, shutdown). */
export async function terminateOcrWorkers(): Promise<void> {
  const all = [...workers.values(), ...(osdWorker ? [osdWorker] : []), ...(secondWorker ? [secondWorker] : [])];
  workers.clear();
  osdWorker = undefined;
  secondWorker = undefined;
  await Promise.all(all.map((w) => w.then((x) => x.terminate()).catch(() => undefined)));
}

/** This thread's live Tesseract workers: language sets (e.g. "eng", "eng+hin") and "osd". What warm-up is checked by. */
export function ocrWorkersLoaded(): string[] {
  return [...workers.keys(), ...(osdWorker ? ["osd"] : []), ...(secondWorker ? [SECOND_OPINION] : [])];
}

/**
 * Starts this thread's workers ahead of the first page: the languages asked for and OSD, and with
 * `scripts` also the two sets script detection switches to when Hindi is installed (hin first for a page
 * mostly in Devanagari, after the asked ones for a mixed page), so a first Hindi page does not wait ~2 s
 * for its model. Each set holds ~50-150 MB per thread.
 */
export async function warmOcr(langs: string[] = ["eng"], opts: { scripts?: boolean } = {}): Promise<void> {
  const asked = parseLangs(langs);
  const sets = [asked];
  if (opts.scripts && !asked.includes("hin") && languagesAvailable().includes("hin")) {
    sets.push(["hin", ...asked], [...new Set([...asked, "hin"])].sort());
  }
  await Promise.all([...sets.slice(0, MAX_WORKERS).map((l) => getWorker(l)), getOsdWorker(), getSecondOpinionWorker()]);
}

// ---------------------------------------------------------------------------------------------------------
// Images

/** Kept for callers that want the old look of a page (greyscale, contrast stretch, optional threshold). */
export async function preprocess(png: Buffer, threshold?: boolean | number): Promise<{ image: Buffer; width: number; height: number }> {
  let img = sharp(png).flatten({ background: "#ffffff" }).greyscale().normalise();
  if (threshold) img = img.threshold(typeof threshold === "number" ? threshold : 160);
  const { data, info } = await img.png({ compressionLevel: 1 }).toBuffer({ resolveWithObject: true });
  return { image: data, width: info.width, height: info.height };
}

/** A page already in memory as pixels (the render step's RGBA), handed over without an image file. */
export interface RawPage {
  rgba: Uint8Array;
  width: number;
  height: number;
}

function isRawPage(input: Buffer | Uint8Array | RawPage): input is RawPage {
  return !(input instanceof Uint8Array);
}

/** The page as the grey image every later step works on (exported for the pixel hand-off test). */
export async function decode(input: Buffer | Uint8Array | RawPage): Promise<Grey> {
  // The same sharp pipeline for both, so a page reads the same whether it came as a PNG or as pixels.
  const src = isRawPage(input)
    ? sharp(Buffer.from(input.rgba.buffer, input.rgba.byteOffset, input.rgba.byteLength), { raw: { width: input.width, height: input.height, channels: 4 }, limitInputPixels: 100_000_000 })
    : sharp(Buffer.from(input.buffer, input.byteOffset, input.byteLength), { limitInputPixels: 100_000_000 });
  const { data, info } = await src.flatten({ background: "#ffffff" }).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

function rawSharp(img: Grey): sharp.Sharp {
  return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), {
    raw: { width: img.width, height: img.height, channels: 1 },
    limitInputPixels: 100_000_000,
  });
}

async function toGrey(s: sharp.Sharp): Promise<Grey> {
  const { data, info } = await s.greyscale().raw().toBuffer({ resolveWithObject: true });
  // Rotation gives an alpha-less grey image, but sharp may still hand back more than one channel.
  if (info.channels !== 1) {
    const one = new Uint8Array(info.width * info.height);
    for (let i = 0; i < one.length; i++) one[i] = data[i * info.channels]!;
    return { data: one, width: info.width, height: info.height };
  }
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

async function median(img: Grey, size: number): Promise<Grey> {
  return toGrey(rawSharp(img).median(size));
}

/** Rotates clockwise by `deg` on a white background; returns the image and the map back to the input's pixels. */
async function rotate(img: Grey, deg: number): Promise<{ img: Grey; back: Affine }> {
  const out = await toGrey(rawSharp(img).rotate(deg, { background: { r: 255, g: 255, b: 255 } }));
  const u = unrotate(deg, img.width, img.height);
  // sharp rounds the enlarged canvas to whole pixels; centre on what it actually made.
  const dx = (out.width - u.width) / 2;
  const dy = (out.height - u.height) / 2;
  const back: Affine = [u.map[0], u.map[1], u.map[2] - u.map[0] * dx - u.map[1] * dy, u.map[3], u.map[4], u.map[5] - u.map[3] * dx - u.map[4] * dy];
  return { img: out, back };
}

/** Binary PGM: Leptonica reads it without decompression, so handing the page to Tesseract costs a copy. */
function pgm(img: Grey): Buffer {
  const header = Buffer.from(`P5\n${img.width} ${img.height}\n255\n`, "ascii");
  return Buffer.concat([header, img.data]);
}

async function downscale(img: Grey, factor: number): Promise<Grey> {
  if (factor >= 1) return img;
  return toGrey(rawSharp(img).resize(Math.max(1, Math.round(img.width * factor)), Math.max(1, Math.round(img.height * factor)), { kernel: "linear" }));
}

// ---------------------------------------------------------------------------------------------------------
// Recognition

/** Time one page may take, all passes included (DOCMILL_OCR_PAGE_TIMEOUT_MS). */
export function pageTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.DOCMILL_OCR_PAGE_TIMEOUT_MS);
  return Number.isFinite(n) && n >= 1000 ? n : 60_000;
}

/** At most this many times the configured page timeout on a busy machine (see busyFactor). */
const MAX_BUSY_FACTOR = 4;

/**
 * How oversubscribed the CPU is: the 1-minute load average per core, from 1 to MAX_BUSY_FACTOR. The page
 * timeout is wall time, and at load 9 on 2 cores a pass takes 2-4x its quiet time: a fixed 60 s then cut
 * the confirming or second pass of ordinary pages, whose first reading was kept (seed 90210: three statement
 * pages read turned, 29 PII values unread), so what a redaction found depended on what else the machine
 * ran. Node gives no CPU clock of another thread (tesseract.js recognises in its own worker thread), so the
 * limit is stretched by the load instead; a runaway page is still stopped, on a quiet machine at the limit.
 */
export function busyFactor(load = os.loadavg()[0]!, cores = os.availableParallelism()): number {
  return Math.min(MAX_BUSY_FACTOR, Math.max(1, load / Math.max(1, cores)));
}

/** `terminated`: a recognition was running and its worker was killed (false: the time ran out between steps). */
class OcrTimeout extends Error {
  constructor(readonly terminated: boolean) {
    super("OCR page timeout");
  }
}

async function withDeadline<T>(worker: Promise<TesseractWorker>, deadline: number, fn: (w: TesseractWorker) => Promise<T>): Promise<T> {
  // A worker still loading its model counts against the page too: a model that never loads must not hang it.
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Terminating is the only way to stop a running recognize; the next page gets a fresh worker.
      discard(worker);
      reject(new OcrTimeout(true));
    }, Math.max(0, deadline - performance.now()));
  });
  try {
    if (deadline - performance.now() <= 0) throw new OcrTimeout(false);
    return await Promise.race([worker.then(fn), expiry]);
  } finally {
    clearTimeout(timer);
  }
}

interface PassResult {
  words: OcrWord[];
  lines: string[];
  confidence: number;
  score: number;
}

const DEVA_CHAR = /[\u0900-\u097F]/u;
const LATIN_OR_DIGIT = /[A-Za-z0-9\u00C0-\u024F]/u;
/** A token mixing Devanagari with Latin letters or ASCII digits ("६551", "श9टाए"): a misreading, never print. */
function mixedScript(text: string): boolean {
  return DEVA_CHAR.test(text) && LATIN_OR_DIGIT.test(text);
}
/**
 * Whether a pass after a turn or a script switch needs confirming: weak overall, or Devanagari mixed into
 * Latin/digit tokens (even one: no print has it) while the requested languages have no Devanagari.
 */
function doubtful(p: PassResult, requested: string[]): boolean {
  if (p.confidence < GOOD_CONFIDENCE) return true;
  if (requested.includes("hin") || p.words.length === 0) return false;
  return p.words.some((w) => mixedScript(w.text));
}
/** scoreOf counting only well-formed words (mixed-script tokens count nothing unless Hindi was asked for). */
function wellFormedScore(p: PassResult, requested: string[]): number {
  const hin = requested.includes("hin");
  return scoreOf(p.words.filter((w) => hin || !mixedScript(w.text)));
}

/** A pass in a language set with languages not asked for must beat the asked one by this share... */
const UNASKED_MARGIN = 0.05;
/** ...unless it read at least this many well-formed words in the added script (Devanagari: hin). */
const MIN_SCRIPT_WORDS = 3;

/**
 * Whether a pass read with languages not asked for (Hindi added by script detection) beats one read in the
 * requested languages. More models give Tesseract more chances per word, so the bigger set scores a little
 * higher even on a page without the script (4242's upright Spanish statement: eng+hin+spa 93.4 over 189
 * words against eng+spa 92.4 over 186, and one IBAN read "६551"): it must win by a margin, unless it
 * read words only the added script has.
 */
function unaskedWins(unasked: PassResult, asked: PassResult, requested: string[]): boolean {
  const a = wellFormedScore(unasked, requested);
  const b = wellFormedScore(asked, requested);
  const script = unasked.words.filter((w) => w.confidence >= 50 && DEVA_CHAR.test(w.text) && !mixedScript(w.text)).length;
  return script >= MIN_SCRIPT_WORDS ? a > b : a > b * (1 + UNASKED_MARGIN);
}

/** A word counts towards a pass's score by how sure Tesseract is; junk below 40 counts for nothing. */
function scoreOf(words: OcrWord[]): number {
  return words.reduce((s, w) => s + (w.confidence >= 40 ? w.confidence / 100 : 0), 0);
}

async function recognise(
  img: Grey, back: Affine, langs: string[], psm: PSM, dpi: number, scale: { sx: number; sy: number }, deadline: number,
  worker: Promise<TesseractWorker> = getWorker(langs),
): Promise<PassResult> {
  const data = await withDeadline(worker, deadline, async (w) => {
    // Telling Tesseract the resolution saves it from guessing (and from its "estimating resolution" warning).
    await w.setParameters({ tessedit_pageseg_mode: psm, user_defined_dpi: String(Math.round(dpi)) });
    return (await w.recognize(pgm(img), {}, { text: false, blocks: true })).data;
  });
  const words: OcrWord[] = [];
  const lines: string[] = [];
  for (const block of data.blocks ?? []) {
    for (const para of block.paragraphs) {
      for (const line of para.lines) {
        const lineWords: string[] = [];
        for (const w of line.words) {
          const text = w.text.trim();
          if (text === "") continue;
          lineWords.push(text);
          const b = mapBox(back, w.bbox.x0, w.bbox.y0, w.bbox.x1, w.bbox.y1);
          words.push({
            text,
            confidence: Math.round(w.confidence * 10) / 10,
            box: {
              x: round(b.x0 * scale.sx),
              y: round(b.y0 * scale.sy),
              width: round((b.x1 - b.x0) * scale.sx),
              height: round((b.y1 - b.y0) * scale.sy),
            },
          });
        }
        if (lineWords.length > 0) lines.push(lineWords.join(" "));
      }
    }
  }
  const confidence = words.length === 0 ? 0 : words.reduce((s, w) => s + w.confidence, 0) / words.length;
  return { words, lines, confidence: Math.round(confidence * 10) / 10, score: scoreOf(words) };
}

interface Osd {
  /** Clockwise degrees that turn the page upright. */
  rotate: 0 | 90 | 180 | 270;
  script?: string;
  orientationConfidence: number;
  scriptConfidence: number;
}

/** Tesseract's orientation-and-script detection on a ~150 dpi copy (it reads no finer than that). */
async function detectOsd(img: Grey, dpi: number, deadline: number): Promise<Osd | undefined> {
  const worker = getOsdWorker();
  if (!worker) return undefined;
  const small = await downscale(img, Math.min(1, 150 / dpi));
  const r = await withDeadline(worker, deadline, async (w) => {
    await w.setParameters({ user_defined_dpi: String(Math.round(Math.min(dpi, 150))) });
    return (await w.detect(pgm(small))).data;
  });
  if (r.orientation_degrees === null || r.orientation_degrees === undefined) return undefined;
  const deg = ((Math.round(r.orientation_degrees / 90) * 90) % 360 + 360) % 360 as 0 | 90 | 180 | 270;
  return {
    rotate: deg,
    script: r.script ?? undefined,
    orientationConfidence: r.orientation_confidence ?? 0,
    scriptConfidence: r.script_confidence ?? 0,
  };
}

/** OSD's margin below which we do not turn a page (Tesseract's own min_orientation_margin is 7). */
const MIN_ORIENTATION_CONFIDENCE = 5;
/** Specks per million pixels above which a page counts as dusty and is cleaned. */
const DUSTY_PER_MP = 150;
/** More uncovered clusters than this and one sparse pass over the page is cheaper than reading each. */
const MAX_CLUSTERS = 40;
/** A word with a digit read below this confidence is read again by the second-opinion model (step 9). */
const DIGIT_DOUBT = 93;
/**
 * Below this the second model's reading is not taken. Its right readings of the benchmark's misread totals
 * came at 84-96; a postcode part "2LI" it read "2L1" at 60 (seed 31).
 */
const SECOND_MIN_CONFIDENCE = 75;
/**
 * A figure: at least half of its letters and digits are digits ("5127.54", "-150.39", "2026-11-26",
 * "DE89 3704"), so a postcode part or a name with a digit ("2LI", "Sharma14") keeps its letters.
 */
function isFigure(text: string): boolean {
  const alnum = text.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
  const digits = text.match(/\p{N}/gu)?.length ?? 0;
  return digits > 0 && digits * 2 >= alnum;
}
/** At most this many second readings per page (each ~30-60 ms); a page of doubtful figures is a bad scan anyway. */
const MAX_SECOND_READINGS = 60;
/** A pass this confident, with enough words for its ink, needs no second one. */
const GOOD_CONFIDENCE = 70;

/**
 * Recognises the text of a page image. Throws PdfError OCR_LANGUAGE_UNAVAILABLE for a language we do not
 * ship, before any work. A page that cannot be read within the page timeout comes back with no words and
 * `report.status: "timeout"`, never after minutes.
 */
export async function ocrImage(png: Buffer | Uint8Array | RawPage, opts: OcrOptions): Promise<OcrResult> {
  const started = performance.now();
  const requested = parseLangs(opts.lang);
  // An explicit timeoutMs is exact; the configured one is stretched on a busy machine (busyFactor).
  const limitMs = opts.timeoutMs ?? Math.round(pageTimeoutMs() * busyFactor());
  const deadline = started + limitMs;
  /** The recognition step under way, named in the report when the page runs out of time. */
  let stage = "start";
  const scriptDetection = opts.scriptDetection ?? true;
  const textOnly = opts.mode === "text";
  const steps: string[] = [];
  const passes: OcrPass[] = [];
  const timings: Record<string, number> = {};
  let mark = started;
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - mark);
    mark = now;
  };

  // 1. Decode once.
  const source = await decode(png);
  const sx = opts.pageWidthPt / source.width;
  const sy = opts.pageHeightPt / source.height;
  const dpi = (source.width / opts.pageWidthPt) * 72;
  const megapixels = (source.width * source.height) / 1e6;
  lap("decode");

  // 2. Measure.
  const level = otsu(source);
  let mask = inkMask(source, level);
  let stats = inkStats(mask, source.width, source.height, dpi);
  const report: OcrPageReport = {
    status: "ok", pass: "primary", passes, langs: requested, rotation: 0, skew: 0, preprocessing: steps,
    measured: { dpi: Math.round(dpi), specksPerMp: Math.round(stats.specks / megapixels), stroke: stats.stroke, ink: round(stats.ink * 100) },
    ms: 0, timings,
  };
  lap("measure");
  const done = (best: PassResult | undefined): OcrResult => {
    report.ms = Math.round(performance.now() - started);
    return { text: best ? best.lines.join("\n") : "", confidence: best?.confidence ?? 0, words: textOnly ? [] : (best?.words ?? []), report };
  };
  if (stats.ink < 0.0005) {
    steps.push("blank");
    return done(undefined);
  }

  try {
    // 3. Denoise a dusty page: median 3 takes the single-pixel salt and pepper, the component pass the rest.
    let img = source;
    const dusty = stats.specks / megapixels > DUSTY_PER_MP;
    if (dusty) {
      img = await median(img, 3);
      steps.push("median3");
      mask = inkMask(img, level);
      const removed = despeckle(img, mask, speckArea(dpi));
      steps.push(`despeckle:${removed}`);
      // Measure again on the clean page: what is left of the dust must not count as text later.
      const before = stats;
      stats = { ...inkStats(inkMask(img, level), img.width, img.height, dpi), specks: before.specks };
      lap("denoise");
    } else if (stats.specks > 0) {
      // Light dust: the page is not cleaned as a whole (median 3 would thin small type), but a speck with
      // no ink near it is dust wherever it is, and one between a label and its value joins the two.
      // The mask is cleaned with the image, so orientation and skew see the page Tesseract reads.
      const removed = removeIsolated(img, mask, stats.speckBoxes, isolationRadius(dpi));
      if (removed) steps.push(`isolated:${removed}`);
      lap("denoise");
    }

    // 4. Orientation and script, read off the glyph shapes before any recognition (probeScript: ascenders
    // against descenders, Devanagari headlines): an upside-down or Devanagari page used to show itself only
    // by a weak first pass, which then was thrown away. Tesseract's OSD (~0.3 s on a 150 dpi copy) runs
    // only when the glyphs do not say clearly.
    const scale = { sx, sy };
    let back: Affine = IDENTITY;
    let langs = requested;
    const canAddHindi = scriptDetection && !langs.includes("hin") && languagesAvailable().includes("hin");
    let osd: Osd | undefined;
    let osdDone = false;
    const runOsd = async () => {
      osdDone = true;
      stage = "osd";
      osd = await detectOsd(img, dpi, deadline);
      lap("osd");
      if (osd) report.osd = { script: osd.script, scriptConfidence: round(osd.scriptConfidence), orientationConfidence: round(osd.orientationConfidence) };
      return osd;
    };
    const addHindi = () => {
      if (!steps.includes("script:Devanagari")) steps.push("script:Devanagari");
      return [...new Set([...langs, "hin"])].sort();
    };
    const withHindi = (o: Osd | undefined) => (canAddHindi && !langs.includes("hin") && o?.script === "Devanagari" && o.scriptConfidence > 1 ? addHindi() : langs);
    /** Turns the (already processed) page as OSD says, after a weak pass; true when it did. */
    const upright = async (o: Osd | undefined): Promise<boolean> => {
      if (!o || o.rotate === 0 || o.orientationConfidence < MIN_ORIENTATION_CONFIDENCE) return false;
      const r = await rotate(img, o.rotate);
      img = r.img;
      back = compose(back, r.back);
      report.rotation = ((report.rotation + 360 - o.rotate) % 360) as 0 | 90 | 180 | 270;
      steps.push(`rotate:${o.rotate}`);
      lap("rotate");
      return true;
    };

    const sideways = sidewaysRatio(mask, img.width, img.height);
    report.measured.sideways = round(sideways);
    const transposed = sideways > 1.15;
    // The skew is measured first: the probe compares each glyph with its neighbours along a straightened line.
    const around = transposed ? 90 : 0;
    const residual = round(skewAngle(mask, img.width, img.height, 5, around) - around);
    lap("skew");
    // Transposing the frame mirrors the angle.
    const probe = probeScript(mask, img.width, stats.glyphs, stats.stroke, transposed, transposed ? -residual : residual);
    const read = readProbe(probe, transposed);
    // Text mode reads the bars more strictly: a false Devanagari costs a whole pass in eng+hin.
    if (textOnly && read.devanagari && !headlinesAreScript(probe)) {
      read.devanagari = false;
      read.devanagariMain = false;
    }
    report.probe = { ...probe, rotate: read.rotate ?? null, devanagari: read.devanagari };
    lap("probe");
    let turn = read.rotate;
    /** A turn nothing vouches for (a sideways-looking page OSD cannot place), tried only if needed. */
    let guess: 270 | undefined;
    if (turn === undefined) {
      const o = await runOsd();
      const placed = o !== undefined && o.orientationConfidence >= MIN_ORIENTATION_CONFIDENCE;
      turn = placed ? o.rotate : 0;
      // OSD gives right angles only. A page that merely looks sideways (column profile stronger than the
      // row profile) with no confident OSD is read as it is first, and turned only if that reads weakly:
      // statement tables look sideways (narrow columns of dates and amounts), and reading them turned
      // first cost a 15 s pass of garbage before the confirming one; under load the page deadline then
      // cut the confirming pass and the garbage was kept (seed 90210: three statements, 29 PII values).
      if (!placed && transposed) guess = 270;
      langs = withHindi(o);
    }
    if (canAddHindi && read.devanagari) {
      langs = addHindi();
      // Tesseract tries a word in its first language and goes on to the next only when that reads badly:
      // on a page mostly in Devanagari, Hindi first saves an English attempt at nearly every word.
      if (read.devanagariMain) langs = ["hin", ...langs.filter((l) => l !== "hin")];
    }

    // 5. Deskew, in the same rotation as the turn upright (one resampling of the page, not two). Below half
    // a degree Tesseract's own line finding copes, and a rotation costs ~0.3 s at 300 dpi.
    const skew = Math.abs(residual) >= 0.5 ? residual : 0;
    // The page as it was before the turn, for confirming a turn or a script switch below.
    const unturned = { img, back };
    if (turn !== 0 || skew !== 0) {
      const r = await rotate(img, turn - skew);
      img = r.img;
      back = compose(back, r.back);
      if (turn !== 0) {
        report.rotation = ((360 - turn) % 360) as 0 | 90 | 180 | 270;
        steps.push(`rotate:${turn}`);
      }
      if (skew !== 0) {
        report.skew = skew;
        steps.push(`deskew:${skew}`);
      }
      lap("rotate");
    }

    // 6. First pass.
    stage = "auto";
    report.langs = langs;
    let best = await recognise(img, back, langs, PSM.AUTO, dpi, scale, deadline);
    passes.push({ name: "auto", langs, confidence: best.confidence, words: best.words.length });
    lap("pass1");

    // 6a. The guessed turn, when the page read as it is reads weakly; the better reading is kept.
    let guessTried = false;
    if (guess !== undefined && performance.now() < deadline && doubtful(best, requested)) {
      guessTried = true;
      stage = `turn${guess}`;
      try {
        const r = await rotate(unturned.img, guess - skew);
        const turned = await recognise(r.img, compose(unturned.back, r.back), langs, PSM.AUTO, dpi, scale, deadline);
        passes.push({ name: stage, langs, confidence: turned.confidence, words: turned.words.length });
        lap("turn");
        if (wellFormedScore(turned, requested) > wellFormedScore(best, requested)) {
          best = turned;
          img = r.img;
          back = compose(unturned.back, r.back);
          turn = guess;
          report.rotation = ((360 - guess) % 360) as 0 | 90 | 180 | 270;
          steps.push(`rotate:${guess}`);
        }
      } catch (err) {
        if (!(err instanceof OcrTimeout)) throw err;
        passes.push({ name: stage, langs, confidence: 0, words: 0, timedOut: true });
        report.timedOut = { step: stage, terminated: err.terminated, limitMs };
      }
    }

    // 6b. A turn or a Devanagari switch decided on the glyph shapes or OSD alone is confirmed when the pass
    // it gave reads badly: statement tables (digits, dates, amounts in narrow columns, table rules) fool
    // both, and an upright page read upside down comes back as "$202/80/80" with Devanagari mixed in. The
    // page is then read as asked (upright, requested languages) and the turned pass kept only if it reads
    // better, counting only words that are well formed for the languages (no Devanagari inside a Latin or
    // digit token).
    const switched = langs.some((l) => !requested.includes(l));
    if (((turn !== 0 && !guessTried) || switched) && performance.now() < deadline && doubtful(best, requested)) {
      let alt = unturned;
      if (skew !== 0) {
        const r = await rotate(unturned.img, -skew);
        alt = { img: r.img, back: compose(unturned.back, r.back) };
      }
      stage = "asked";
      try {
        const plain = await recognise(alt.img, alt.back, requested, PSM.AUTO, dpi, scale, deadline);
        passes.push({ name: "asked", langs: requested, confidence: plain.confidence, words: plain.words.length });
        lap("confirm");
        const turnedWins = switched ? unaskedWins(best, plain, requested) : wellFormedScore(best, requested) > wellFormedScore(plain, requested);
        if (!turnedWins) {
          best = plain;
          img = alt.img;
          back = alt.back;
          langs = requested;
          report.rotation = 0;
          steps.push(`unconfirmed:${turn !== 0 ? `rotate:${turn}` : ""}${switched ? "+script" : ""}`);
          turn = 0;
        }
      } catch (err) {
        if (!(err instanceof OcrTimeout)) throw err;
        passes.push({ name: "asked", langs: requested, confidence: 0, words: 0, timedOut: true });
        report.timedOut = { step: "asked", terminated: err.terminated, limitMs };
      }
    }

    // 7. Second pass when the first is weak: few confident words for the ink on the page, or low confidence.
    // Roughly: a word of body text is 4-6 ink components; far fewer confident words than that means text
    // Tesseract could not read (noise it took for text, a script it does not know, a layout it split badly,
    // a page upside down).
    const components = stats.components - stats.specks;
    const expected = Math.max(1, components / 8);
    // Many unreadable words among readable ones also count when Hindi could be added: a mixed-script page
    // whose Latin part keeps the mean confidence up.
    const lowShare = best.words.length ? best.words.filter((w) => w.confidence < 50).length / best.words.length : 1;
    const hindiAddable = canAddHindi && !langs.includes("hin");
    const weak = best.confidence < GOOD_CONFIDENCE || best.score < expected * 0.5 || (hindiAddable && lowShare > 0.2);
    if (weak && performance.now() < deadline) {
      let retry: { name: string; langs: string[]; psm: PSM } | undefined;
      if (!osdDone) {
        const o = await runOsd();
        if (await upright(o)) {
          retry = { name: `upright${o!.rotate}`, langs: withHindi(o), psm: PSM.AUTO };
        } else if (withHindi(o) !== langs) {
          retry = { name: "auto+hin", langs: withHindi(o), psm: PSM.AUTO };
        }
      }
      if (!retry) {
        if (hindiAddable && lowShare > 0.15 && !hasDevanagari(best.lines.join(" "))) {
          // Unreadable words among readable Latin ones: a second script, and the one we can add is Devanagari.
          retry = { name: "auto+hin", langs: [...new Set([...langs, "hin"])].sort(), psm: PSM.AUTO };
        } else {
          if (!dusty && stats.specks > 0) {
            img = await median(img, 3);
            despeckle(img, inkMask(img, level), speckArea(dpi));
            steps.push("median3");
          }
          retry = { name: "block", langs, psm: PSM.SINGLE_BLOCK };
        }
      }
      stage = retry.name;
      try {
        const second = await recognise(img, back, retry.langs, retry.psm, dpi, scale, deadline);
        passes.push({ name: retry.name, langs: retry.langs, confidence: second.confidence, words: second.words.length });
        lap("pass2");
        // A retry that adds a language not asked for (auto+hin) has to win by the margin too.
        const adds = retry.langs.some((l) => !langs.includes(l) && !requested.includes(l));
        if (adds ? unaskedWins(second, best, requested) : wellFormedScore(second, requested) > wellFormedScore(best, requested)) {
          best = second;
          report.pass = "retry";
          report.langs = retry.langs;
        }
      } catch (err) {
        if (!(err instanceof OcrTimeout)) throw err;
        passes.push({ name: retry.name, langs: retry.langs, confidence: 0, words: 0, timedOut: true });
        report.timedOut = { step: retry.name, terminated: err.terminated, limitMs };
      }
    }
    // 8. Ink no word accounts for (a column of single digits, a field off on its own: automatic
    // segmentation drops those as noise). Each uncovered word-like cluster is read on its own as one line;
    // when there are too many for that (a whole region missed), a sparse-text pass over the page instead.
    // New words are only added where the kept pass had none.
    const toPx = (w: OcrWord) => ({ x0: w.box.x / sx, y0: w.box.y / sy, x1: (w.box.x + w.box.width) / sx, y1: (w.box.y + w.box.height) / sy });
    const glyphCount = stats.glyphs.length / 4;
    const missedIdx = uncovered(stats.glyphs, best.words.map(toPx), stats.stroke);
    report.measured.uncovered = glyphCount ? round((missedIdx.length / glyphCount) * 100) : 0;
    const keptLangs = report.pass === "primary" ? langs : report.langs;
    // Text mode (tagging) skips it: what it adds is stray fields and digits, which weigh nothing in a
    // text's topics, and it is a pass per cluster; redaction (full mode) needs every one of them.
    if (missedIdx.length > 0 && !textOnly && performance.now() < deadline) {
      const forward = invert(back);
      const groups = clusters(missedIdx.map((i) => mapBox(forward, stats.glyphs[i * 4]!, stats.glyphs[i * 4 + 1]!, stats.glyphs[i * 4 + 2]!, stats.glyphs[i * 4 + 3]!)));
      const have = best.words.map(toPx);
      const isNew = (w: OcrWord) => {
        const b = toPx(w);
        const cx = (b.x0 + b.x1) / 2;
        const cy = (b.y0 + b.y1) / 2;
        return w.confidence >= 60 && /[\p{L}\p{N}]/u.test(w.text) && !have.some((h) => cx >= h.x0 && cx <= h.x1 && cy >= h.y0 && cy <= h.y1);
      };
      let added: OcrWord[] = [];
      let name = "";
      try {
        if (groups.length <= MAX_CLUSTERS) {
          name = "clusters";
          const pad = Math.round(dpi / 15);
          for (const g of groups) {
            const c = crop(img, g, pad);
            const part = await recognise(c.img, compose(back, [1, 0, c.x, 0, 1, c.y]), keptLangs, PSM.SINGLE_LINE, dpi, scale, deadline);
            added.push(...part.words.filter(isNew));
          }
        } else {
          name = "sparse";
          const sparse = await recognise(img, back, keptLangs, PSM.SPARSE_TEXT, dpi, scale, deadline);
          added = sparse.words.filter(isNew);
        }
        lap(name);
        passes.push({ name, langs: keptLangs, confidence: added.length ? round(added.reduce((t, w) => t + w.confidence, 0) / added.length) : 0, words: added.length });
      } catch (err) {
        if (!(err instanceof OcrTimeout)) throw err;
        passes.push({ name, langs: keptLangs, confidence: 0, words: 0, timedOut: true });
        report.timedOut = { step: name, terminated: err.terminated, limitMs };
      }
      if (added.length > 0) {
        const words = [...best.words, ...added];
        const confidence = Math.round((words.reduce((t, w) => t + w.confidence, 0) / words.length) * 10) / 10;
        best = { words, lines: [...best.lines, ...linesOf(added)], confidence, score: scoreOf(words) };
        steps.push(`${name}:+${added.length}`);
      }
    }
    // 9. Figures Tesseract was unsure of are read once more, each on its own, by the second-opinion model
    // (secondOpinionModel: another network, which errs on other glyphs). Its reading replaces the word's
    // when it is one token with a digit, of about the same length: the box stays, only the text changes.
    // Confidence cannot pick between the two (fast reads the bold "5127.54" as "9127.54" at 94 on the
    // crop, best reads "5127.54" at 96; on another crop best is right at 85 against fast's wrong 90), so
    // the second model's word is taken whenever it disagrees; the benchmark checks that this helps on
    // every degradation. Text mode skips it: a digit here or there weighs nothing in a text's topics.
    const second = textOnly ? undefined : getSecondOpinionWorker();
    const unsure = best.words.filter((w) => w.confidence < DIGIT_DOUBT && isFigure(w.text)).slice(0, MAX_SECOND_READINGS);
    if (second && unsure.length > 0 && performance.now() < deadline) {
      stage = "figures";
      const forward = invert(back);
      const pad = Math.round(dpi / 25);
      const changed = new Map<string, string[]>();
      let read = 0;
      let fixed = 0;
      try {
        for (const w of unsure) {
          const b = toPx(w);
          const c = crop(img, mapBox(forward, b.x0, b.y0, b.x1, b.y1), pad);
          const again = await recognise(c.img, IDENTITY, ["eng"], PSM.SINGLE_LINE, dpi, { sx: 1, sy: 1 }, deadline, second);
          read++;
          const figures = again.words.filter((x) => isFigure(x.text));
          if (figures.length !== 1) continue;
          const text = figures[0]!.text;
          if (text === w.text || Math.abs(text.length - w.text.length) > 1 || figures[0]!.confidence < SECOND_MIN_CONFIDENCE) continue;
          changed.set(w.text, [...(changed.get(w.text) ?? []), text]);
          w.text = text;
          w.confidence = figures[0]!.confidence;
          fixed++;
        }
      } catch (err) {
        if (!(err instanceof OcrTimeout)) throw err;
        report.timedOut = { step: "figures", terminated: err.terminated, limitMs };
      }
      lap("figures");
      // `words` here: how many figures were read again; how many of them changed is in the steps.
      passes.push({ name: "figures", langs: [SECOND_OPINION], confidence: 0, words: read });
      if (changed.size > 0) {
        // The page's text says what its words say: each changed word once, in its line, in reading order.
        best.lines = best.lines.map((line) => line.split(" ").map((t) => changed.get(t)?.shift() ?? t).join(" "));
        best.confidence = Math.round((best.words.reduce((t, w) => t + w.confidence, 0) / best.words.length) * 10) / 10;
        best.score = scoreOf(best.words);
        steps.push(`figures:${fixed}`);
      }
    }
    if (report.pass === "primary") report.langs = langs;
    if (best.words.length === 0) report.status = "unreadable";
    return done(best);
  } catch (err) {
    if (!(err instanceof OcrTimeout)) throw err;
    // Nothing was read: the OSD or the first pass ran out of time (a later pass's timeout keeps the first's words).
    report.status = "timeout";
    report.timedOut = { step: stage, terminated: err.terminated, limitMs };
    if (stage === "auto") passes.push({ name: "auto", langs: report.langs, confidence: 0, words: 0, timedOut: true });
    return done(undefined);
  }
}

/** Words added by the sparse pass, as lines: grouped by vertical overlap, left to right. */
function linesOf(words: OcrWord[]): string[] {
  const sorted = [...words].sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
  const lines: OcrWord[][] = [];
  for (const w of sorted) {
    const line = lines.find((l) => {
      const r = l[0]!.box;
      return w.box.y < r.y + r.height && w.box.y + w.box.height > r.y;
    });
    if (line) line.push(w);
    else lines.push([w]);
  }
  return lines.map((l) => l.sort((a, b) => a.box.x - b.box.x).map((w) => w.text).join(" "));
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
