import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

/** STYLE.md convention 6: detectors are pure. This guards against I/O, clock, env or randomness creeping in. */
const root = resolve(__dirname, "../../../../../plugins/redaction/detect");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const FORBIDDEN: [RegExp, string][] = [
  [/process\.(env|argv|cwd|hrtime)/, "environment/process state"],
  [/\bDate\b|performance\.now|setTimeout|setInterval/, "clock"],
  [/Math\.random|randomUUID|randomBytes/, "randomness"],
  [/from "(node:)?(fs|fs\/promises|net|http|https|child_process|worker_threads|os)"/, "I/O module"],
  [/\bfetch\(|\brequire\(/, "I/O or dynamic loading"],
];

describe("detect/ purity", () => {
  const files = sources(root);
  it("has source files to check", () => expect(files.length).toBeGreaterThan(10));
  it.each(files.map((f) => [f.slice(root.length + 1), f]))("%s uses no I/O, clock, env or randomness", (_name, file) => {
    const code = readFileSync(file, "utf8")
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/\/\/.*$/gm, "");
    for (const [re, what] of FORBIDDEN) expect({ file, what, found: re.test(code) }).toEqual({ file, what, found: false });
  });
});
