/**
 * A temporary folder for one test file's outputs, made before its tests and removed after them, and the
 * independent reader most of them need (poppler's pdftotext) over bytes written into it. The redaction
 * engine's tests read every output back with tools that are not the engine's; they write the bytes to disk
 * first, so those tools see exactly the file a client would download.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface ReadbackDir {
  /** The folder (valid once the file's beforeAll ran). */
  readonly dir: string;
  /** Writes the bytes to a new file in the folder; its path. */
  file(bytes: Uint8Array): string;
  /** The text poppler reads from the PDF (UTF-8). */
  pdftotext(bytes: Uint8Array): string;
}

export function readbackDir(prefix: string): ReadbackDir {
  let dir = "";
  let n = 0;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), prefix));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (bytes: Uint8Array): string => {
    const f = path.join(dir, `f${n++}.pdf`);
    writeFileSync(f, bytes);
    return f;
  };
  return {
    get dir() {
      return dir;
    },
    file,
    pdftotext: (bytes) => execFileSync("pdftotext", ["-enc", "UTF-8", file(bytes), "-"]).toString("utf8"),
  };
}
