/**
 * OCR of page images with tesseract.js, fully offline: the language data comes from the
 * @tesseract.js-data/<lang> npm packages (LSTM "best_int" models) and nothing is fetched or cached on disk
 * by tesseract.js itself (`cacheMethod: "none"`; a local `langPath` is read with fs, never with fetch).
 *
 * Boxes are returned in the engine convention (types.ts): points of the displayed page, top-left origin,
 * scaled from pixels with the page size the caller gives.
 */
import { mkdirSync, readdirSync, existsSync, symlinkSync, readlinkSync, unlinkSync } from "node:fs";
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { OEM, createWorker, type Worker as TesseractWorker } from "tesseract.js";
import { PdfError } from "./errors";
import type { OcrOptions, OcrResult, OcrWord } from "./types";

/** The model flavour we load: LSTM-only integer models, small and fast to load, good accuracy. */
const MODEL_DIR = "4.0.0_best_int";

function dataRoot(): string {
  // Every language package sits beside eng's; eng is a declared dependency.
  return path.dirname(path.dirname(require.resolve("@tesseract.js-data/eng/package.json")));
}

let available: string[] | undefined;

/** Tesseract language codes whose data is installed (e.g. ["deu", "eng", "fra", "spa"]). */
export function languagesAvailable(): string[] {
  available ??= readdirSync(dataRoot())
    .filter((code) => existsSync(path.join(dataRoot(), code, MODEL_DIR, `${code}.traineddata.gz`)))
    .sort();
  return [...available];
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

/**
 * tesseract.js reads every language from one `langPath` folder, but each npm package has its own folder:
 * link them side by side in a temp folder (named after the install location, so two checkouts never mix).
 */
function languageFolder(): string {
  if (langDir) return langDir;
  const root = dataRoot();
  const dir = path.join(os.tmpdir(), `docmill-tessdata-${createHash("sha1").update(root).digest("hex").slice(0, 12)}`);
  mkdirSync(dir, { recursive: true });
  for (const code of languagesAvailable()) {
    const target = path.join(root, code, MODEL_DIR, `${code}.traineddata.gz`);
    const link = path.join(dir, `${code}.traineddata.gz`);
    try {
      if (readlinkSync(link) === target) continue;
      unlinkSync(link);
    } catch {
      // no link yet
    }
    try {
      symlinkSync(target, link);
    } catch (err) {
      // Another thread made the same link between our check and our call.
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  langDir = dir;
  return dir;
}

/** At most this many Tesseract workers (one per language set) stay alive per thread; each holds ~50-150 MB. */
const MAX_WORKERS = 3;
const workers = new Map<string, Promise<TesseractWorker>>();

async function getWorker(langs: string[]): Promise<TesseractWorker> {
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
  worker = createWorker(langs, OEM.LSTM_ONLY, {
    langPath: languageFolder(),
    cacheMethod: "none",
    gzip: true,
    legacyCore: false,
    legacyLang: false,
  }).then(async (w) => {
    await w.setParameters({ preserve_interword_spaces: "0" });
    return w;
  });
  workers.set(key, worker);
  worker.catch(() => workers.delete(key));
  return worker;
}

/** Stops this thread's Tesseract workers (tests, shutdown). */
export async function terminateOcrWorkers(): Promise<void> {
  const all = [...workers.values()];
  workers.clear();
  await Promise.all(all.map((w) => w.then((x) => x.terminate()).catch(() => undefined)));
}

/**
 * Greyscale and contrast stretch, optionally binarise. The image keeps its size, so Tesseract's pixel
 * boxes still map onto the page by a plain scale.
 */
export async function preprocess(png: Buffer, threshold?: boolean | number): Promise<{ image: Buffer; width: number; height: number }> {
  let img = sharp(png).flatten({ background: "#ffffff" }).greyscale().normalise();
  if (threshold) img = img.threshold(typeof threshold === "number" ? threshold : 160);
  const { data, info } = await img.png({ compressionLevel: 1 }).toBuffer({ resolveWithObject: true });
  return { image: data, width: info.width, height: info.height };
}

/**
 * Recognises the text of a page image. Throws PdfError OCR_LANGUAGE_UNAVAILABLE for a language we do not
 * ship, before any work.
 */
export async function ocrImage(png: Buffer | Uint8Array, opts: OcrOptions): Promise<OcrResult> {
  const langs = parseLangs(opts.lang);
  const { image, width, height } = await preprocess(Buffer.from(png.buffer, png.byteOffset, png.byteLength), opts.threshold);
  const sx = opts.pageWidthPt / width;
  const sy = opts.pageHeightPt / height;
  const worker = await getWorker(langs);
  // Telling Tesseract the resolution saves it from guessing (and from its "estimating resolution" warning).
  const dpi = Math.round((width / opts.pageWidthPt) * 72);
  await worker.setParameters({ user_defined_dpi: String(dpi) });
  const { data } = await worker.recognize(image, {}, { text: true, blocks: true });

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
          words.push({
            text,
            confidence: Math.round(w.confidence * 10) / 10,
            box: {
              x: round(w.bbox.x0 * sx),
              y: round(w.bbox.y0 * sy),
              width: round((w.bbox.x1 - w.bbox.x0) * sx),
              height: round((w.bbox.y1 - w.bbox.y0) * sy),
            },
          });
        }
        if (lineWords.length > 0) lines.push(lineWords.join(" "));
      }
    }
  }
  const confidence = words.length === 0 ? 0 : words.reduce((s, w) => s + w.confidence, 0) / words.length;
  return { text: lines.join("\n"), confidence: Math.round(confidence * 10) / 10, words };
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
