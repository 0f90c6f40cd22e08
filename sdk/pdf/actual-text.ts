/**
 * ActualText of marked-content spans (PDF 32000-1 §14.9.4): the text a span of glyphs stands for, as the
 * producer knew it. Chromium/Skia, for one, writes every glyph cluster whose glyphs do not map one to one
 * onto characters (Devanagari conjuncts and pre-base vowel signs, `ﬁ` ligatures) as
 * `/Span <</ActualText <feff…>>> BDC … EMC`, and the font's ToUnicode alone cannot say what such glyphs
 * are. pdfjs's getTextContent ignores ActualText (it reports only the span markers), so pdfjs read
 * `ग्रामीण` as `ामीण`; poppler honours it and reads the word right. This module reads the ActualText of
 * each BDC operator from the page's content streams, in order, so the text layer can use it.
 *
 * The content stream tokenizer is small and strict: anything it cannot follow makes it give up (null),
 * and the caller keeps pdfjs's text.
 */
import { isDelim, isWhite, pageContentReader } from "./page-content";

/** One BDC operator: its tag and, when its property list is inline and has one, its ActualText. */
export interface MarkedContent {
  tag: string;
  actualText: string | null;
}

type Token =
  | { t: "name"; v: string }
  | { t: "string"; v: Uint8Array }
  | { t: "dict<" }
  | { t: "dict>" }
  | { t: "other" };

const isRegular = (c: number) => !isWhite(c) && !isDelim(c);

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** A text string's bytes as text: UTF-16BE with a BOM, UTF-8 with a BOM, else PDFDocEncoding (as Latin-1). */
export function decodeTextString(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder("utf-8").decode(bytes.subarray(3));
  return Buffer.from(bytes).toString("latin1");
}

/**
 * The BDC operators of a page's content (its streams concatenated), in order, with their ActualText.
 * Null when the content cannot be followed (an unterminated string or dict, an inline image without
 * its end). Pure.
 */
export function markedContentOf(content: Uint8Array): MarkedContent[] | null {
  const out: MarkedContent[] = [];
  const operands: Token[] = [];
  const n = content.length;
  let i = 0;
  while (i < n) {
    const c = content[i];
    if (isWhite(c)) {
      i++;
    } else if (c === 0x25) {
      // comment to end of line
      while (i < n && content[i] !== 0x0a && content[i] !== 0x0d) i++;
    } else if (c === 0x28) {
      const bytes: number[] = [];
      let depth = 1;
      i++;
      while (i < n && depth > 0) {
        const b = content[i];
        if (b === 0x5c) {
          const e = content[i + 1];
          if (e === undefined) return null;
          i += 2;
          if (e >= 0x30 && e <= 0x37) {
            let v = e - 0x30;
            for (let k = 0; k < 2 && content[i] >= 0x30 && content[i] <= 0x37; k++) v = v * 8 + (content[i++] - 0x30);
            bytes.push(v & 0xff);
          } else if (e === 0x0d) {
            if (content[i] === 0x0a) i++;
          } else if (e !== 0x0a) {
            bytes.push(({ 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x62: 0x08, 0x66: 0x0c } as Record<number, number>)[e] ?? e);
          }
          continue;
        }
        if (b === 0x28) depth++;
        else if (b === 0x29 && --depth === 0) {
          i++;
          break;
        }
        bytes.push(b);
        i++;
      }
      if (depth > 0) return null;
      operands.push({ t: "string", v: Uint8Array.from(bytes) });
    } else if (c === 0x3c && content[i + 1] === 0x3c) {
      operands.push({ t: "dict<" });
      i += 2;
    } else if (c === 0x3e && content[i + 1] === 0x3e) {
      operands.push({ t: "dict>" });
      i += 2;
    } else if (c === 0x3c) {
      const bytes: number[] = [];
      let high = -1;
      i++;
      while (i < n && content[i] !== 0x3e) {
        const v = hexValue(content[i++]);
        if (v < 0) continue;
        if (high < 0) high = v;
        else {
          bytes.push(high * 16 + v);
          high = -1;
        }
      }
      if (i >= n) return null;
      if (high >= 0) bytes.push(high * 16);
      i++;
      operands.push({ t: "string", v: Uint8Array.from(bytes) });
    } else if (c === 0x2f) {
      let j = i + 1;
      while (j < n && isRegular(content[j])) j++;
      operands.push({ t: "name", v: Buffer.from(content.subarray(i + 1, j)).toString("latin1") });
      i = j;
    } else if (c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d) {
      operands.push({ t: "other" });
      i++;
    } else if (c === 0x3e || c === 0x29) {
      return null; // a stray closing delimiter: not a content stream we follow
    } else {
      let j = i;
      while (j < n && isRegular(content[j])) j++;
      const len = j - i;
      const start = i;
      i = j;
      // Numbers and keywords are operands; anything else is an operator (compared bytewise: this loop
      // sees every token of the page).
      if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e || ((len === 4 || len === 5) && /^(?:true|false|null)$/.test(Buffer.from(content.subarray(start, j)).toString("latin1")))) {
        operands.push({ t: "other" });
        continue;
      }
      const word = len === 3 && c === 0x42 && content[start + 1] === 0x44 && content[start + 2] === 0x43 ? "BDC" : len === 2 && c === 0x49 && content[start + 1] === 0x44 ? "ID" : "";
      if (word === "BDC") {
        const mark = bdc(operands);
        if (!mark) return null;
        out.push(mark);
      } else if (word === "ID") {
        // Inline image data: binary up to whitespace, EI, and whitespace (or the end).
        i++;
        let end = -1;
        for (let k = i; k + 1 < n; k++) {
          if (content[k] === 0x45 && content[k + 1] === 0x49 && isWhite(content[k - 1]) && (k + 2 >= n || isWhite(content[k + 2]))) {
            end = k;
            break;
          }
        }
        if (end < 0) return null;
        i = end + 2;
      }
      operands.length = 0;
    }
  }
  return out;
}

/** A BDC's operands: a tag name, then an inline dictionary or a property-list name. */
function bdc(operands: Token[]): MarkedContent | null {
  const tag = operands[0];
  if (!tag || tag.t !== "name") return null;
  let actualText: string | null = null;
  if (operands[1]?.t === "dict<") {
    // Keys at depth 1 only: a nested dictionary's ActualText is not the span's.
    let depth = 0;
    for (let k = 1; k < operands.length; k++) {
      const tok = operands[k];
      if (tok.t === "dict<") depth++;
      else if (tok.t === "dict>") depth--;
      else if (depth === 1 && tok.t === "name" && tok.v === "ActualText") {
        const v = operands[k + 1];
        if (v?.t === "string") actualText = decodeTextString(v.v);
      }
    }
  }
  return { tag: tag.v, actualText };
}

/**
 * A reader of each page's marked content (1-based page numbers), parsing the document once, on first
 * use. Null for a page it cannot read (an encrypted document, a page without contents, content it cannot
 * follow).
 */
export function markedContentReader(pdf: Uint8Array): (pageNumber: number) => Promise<MarkedContent[] | null> {
  return pageContentReader(pdf, (_doc, _page, content) => (content ? markedContentOf(content) : null));
}
