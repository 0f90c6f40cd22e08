/**
 * Which Tesseract models OCR reads (DOCMILL_TESSDATA_DIR): a folder of plain .traineddata files comes
 * before the npm packages, language by language. The folder here is made by the test from the npm eng
 * model (so it does not depend on Debian's packages) and carries it a second time under a code no package
 * has, as an operator's own model would be: the pool's threads must list it, load it and read with it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { DEBIAN_TESSDATA, languagesAvailable, modelSources, tessdataDir } from "../../../../sdk/pdf/ocr";
import { type PdfPool, createPdfPool } from "../../../../sdk/pdf/pool";
import { A4, renderTextImage } from "../../../support/pdf-fixtures";

const dir = mkdtempSync(path.join(tmpdir(), "docmill-own-models-"));
const npmEng = gunzipSync(readFileSync(path.join(path.dirname(require.resolve("@tesseract.js-data/eng/package.json")), "4.0.0_best_int", "eng.traineddata.gz")));
writeFileSync(path.join(dir, "eng.traineddata"), npmEng);
writeFileSync(path.join(dir, "zzz.traineddata"), npmEng);
// Read once per process (and per pool thread, which copies the environment when it starts).
process.env.DOCMILL_TESSDATA_DIR = dir;

let pool: PdfPool;
beforeAll(() => {
  pool = createPdfPool({ threads: 1 });
});
afterAll(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("tessdataDir", () => {
  it("defaults to Debian's folder when it is installed, takes a given folder, and 'none' means npm only", () => {
    expect(tessdataDir({})).toBe(existsSync(DEBIAN_TESSDATA) ? DEBIAN_TESSDATA : undefined);
    expect(tessdataDir({ DOCMILL_TESSDATA_DIR: "none" })).toBeUndefined();
    expect(tessdataDir({ DOCMILL_TESSDATA_DIR: "  /srv/models " })).toBe("/srv/models");
    expect(tessdataDir({ DOCMILL_TESSDATA_DIR: "models" })).toBe(path.resolve("models"));
  });
});

describe("models from DOCMILL_TESSDATA_DIR", () => {
  it("come first for the codes the folder has; the other languages still come from the npm packages", () => {
    expect(languagesAvailable()).toEqual(expect.arrayContaining(["deu", "eng", "fra", "hin", "spa", "zzz"]));
    const src = modelSources();
    expect(src.eng).toBe(dir);
    expect(src.zzz).toBe(dir);
    expect(src.deu).toBe("npm");
    expect(src.osd).toBe("npm");
  });

  it("are loaded and read with in the pool's threads, alone and beside an npm one", async () => {
    const scan = renderTextImage();
    const own = await pool.ocr(scan.png, { lang: "zzz", pageWidthPt: A4.width, pageHeightPt: A4.height, scriptDetection: false });
    expect(own.report).toMatchObject({ status: "ok", langs: ["zzz"] });
    expect(own.text).toContain("john.smith@example.com");
    expect(own.text).toContain("Baker Street");
    // A plain file and an unzipped npm model in one worker (tesseract.js takes one format per worker).
    const mixed = await pool.ocr(scan.png, { lang: ["zzz", "deu"], pageWidthPt: A4.width, pageHeightPt: A4.height, scriptDetection: false });
    expect(mixed.report?.langs).toEqual(["deu", "zzz"]);
    expect(mixed.text).toContain("Baker Street");
  }, 180_000);
});
