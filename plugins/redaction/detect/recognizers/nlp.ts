import nlp from "compromise";
import type { TextModel } from "../text-model";

/** A compromise match mapped to offsets in the page text, trailing punctuation removed. */
export interface NlpSpan {
  start: number;
  end: number;
  text: string;
}

type View = ReturnType<typeof nlp>;
/** The part of a compromise view we use; people()/places() return narrower view types than nlp(). */
interface JsonView {
  json(options: { offset: boolean }): unknown;
}

// compromise parsing is the slowest step; the person, address and organisation recognisers share
// one parse per page. Keyed weakly by the model, so nothing outlives the page (still pure: no I/O).
const parsed = new WeakMap<TextModel, View>();

function docOf(model: TextModel): View {
  let doc = parsed.get(model);
  if (!doc) {
    doc = nlp(model.text);
    parsed.set(model, doc);
  }
  return doc;
}

function spans(model: TextModel, view: JsonView): NlpSpan[] {
  const out: NlpSpan[] = [];
  for (const j of view.json({ offset: true }) as { offset: { start: number; length: number } }[]) {
    let start = j.offset.start;
    let end = start + j.offset.length;
    // compromise includes trailing punctuation ("Smith," "Paris.") and sometimes leading quotes
    while (end > start && /[\s.,;:!?"'’)\]]/.test(model.text[end - 1]!)) end--;
    while (start < end && /[\s"'‘([]/.test(model.text[start]!)) start++;
    // keep an abbreviation's dot ("Dr. J. Smith Jr.") when the token is a single capital or known short form
    if (model.text[end] === "." && /(?:^|\s)(?:\p{Lu}|Jr|Sr|St|Inc|Ltd|Corp|Co)$/u.test(model.text.slice(start, end))) end++;
    if (end > start) out.push({ start, end, text: model.text.slice(start, end) });
  }
  return out;
}

export function nlpPeople(model: TextModel): NlpSpan[] {
  return spans(model, docOf(model).people());
}

export function nlpPlaces(model: TextModel): NlpSpan[] {
  return spans(model, docOf(model).places());
}

export function nlpOrganizations(model: TextModel): NlpSpan[] {
  return spans(model, docOf(model).organizations());
}
