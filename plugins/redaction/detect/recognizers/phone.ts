import { findPhoneNumbersInText } from "libphonenumber-js/max";
import { boost, forLanguages, hasContext } from "../context";
import type { Candidate } from "../types";
import type { Recognizer } from "./recognizer";

const CONTEXT = {
  en: ["phone", "tel", "telephone", "mobile", "cell", "fax", "call", "contact"],
  de: ["Telefon", "Tel", "Handy", "Mobil", "Mobiltelefon", "Fax", "Rufnummer"],
  fr: ["téléphone", "tél", "portable", "mobile", "fax"],
  it: ["telefono", "tel", "cellulare", "fax"],
  es: ["teléfono", "tel", "móvil", "celular", "fax"],
  pt: ["telefone", "tel", "telemóvel", "celular", "fax"],
  nl: ["telefoon", "tel", "mobiel", "fax"],
} as const;

/**
 * PHONE_NUMBER via libphonenumber-js (full metadata, so numbers are checked against each region's
 * numbering plan). Numbers with a + or 00 prefix are read in their own region; others in `defaultRegion`.
 */
export const phoneRecognizer: Recognizer = {
  name: "PhoneRecognizer",
  labels: ["PHONE_NUMBER"],
  run(model, config) {
    const out: Candidate[] = [];
    const context = forLanguages(CONTEXT, config.languages);
    // "00" is the international prefix in most of the world but not in every default region (the US
    // dials 011), so rewrite it as " +" (same length, offsets unchanged) and widen the match back over it.
    const text = model.text.replace(/(?<![\p{N}+])00(?=[1-9])/gu, " +");
    const found = findPhoneNumbersInText(text, config.defaultRegion ? { defaultCountry: config.defaultRegion } : {});
    for (const f of found) {
      if (text[f.startsAt] === "+" && text[f.startsAt - 1] === " " && model.text.startsWith("00", f.startsAt - 1)) f.startsAt--;
      const raw = model.text.slice(f.startsAt, f.endsAt);
      // A number glued across a line break is almost always two unrelated numbers.
      if (raw.includes("\n")) continue;
      const international = /^\s*(?:\+|00)/.test(raw);
      out.push({
        start: f.startsAt,
        end: f.endsAt,
        label: "PHONE_NUMBER",
        score: boost(international ? 0.75 : 0.6, hasContext(model, f.startsAt, f.endsAt, context)),
        recognizer: this.name,
        strength: "validated",
      });
    }
    return out;
  },
};
