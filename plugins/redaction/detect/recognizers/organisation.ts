import type { Candidate } from "../types";
import { matches, type Recognizer } from "./recognizer";
import { nlpOrganizations } from "./nlp";

const SUFFIX =
  "Inc|Incorporated|Ltd|Limited|LLC|LLP|PLC|plc|GmbH|gGmbH|AG|KG|OHG|UG|SE|SA|S\\.A|SAS|SARL|S\\.p\\.A|SpA|Srl|S\\.r\\.l|BV|B\\.V|NV|N\\.V|Oy|AB|AS|ApS|Corp|Corporation|Company|Co|Group|Holdings|e\\.V";
const LEGAL_FORM = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:\\p{Lu}[\\p{L}\\p{N}&'’.-]*,? (?:(?:&|and|und|et) )?){1,4}(?:${SUFFIX})\\.?(?![\\p{L}])`,
  "gu",
);

/**
 * ORGANISATION (opt-in label): names ending in a legal form ("Acme Widgets Ltd", "Muster GmbH") and
 * compromise's organizations(). Not enabled by default: company names are seldom personal data.
 */
export const organisationRecognizer: Recognizer = {
  name: "OrganisationRecognizer",
  labels: ["ORGANISATION"],
  run(model) {
    const out: Candidate[] = [];
    for (const m of matches(LEGAL_FORM, model.text)) {
      const end = m.index + m[0].replace(/,$/, "").length;
      out.push({ start: m.index, end, label: "ORGANISATION", score: 0.8, recognizer: this.name, strength: "heuristic" });
    }
    for (const o of nlpOrganizations(model)) {
      if (o.text.includes("\n")) continue;
      out.push({ start: o.start, end: o.end, label: "ORGANISATION", score: 0.6, recognizer: this.name, strength: "heuristic" });
    }
    return out;
  },
};
