import { countrySpecs, isValidIBAN } from "ibantools";
import { boost, forLanguages, hasContext } from "../context";
import type { Candidate } from "../types";
import { matches, type Recognizer } from "./recognizer";

const START = /(?<![\p{L}\p{N}])[A-Za-z]{2}\d{2}/gu;
const CONTEXT = {
  en: ["IBAN", "account", "bank"],
  de: ["IBAN", "Konto", "Bankverbindung"],
  fr: ["IBAN", "compte", "RIB"],
  it: ["IBAN", "conto"],
  es: ["IBAN", "cuenta"],
  pt: ["IBAN", "conta", "NIB"],
  nl: ["IBAN", "rekening", "rekeningnummer"],
} as const;

/**
 * IBAN: a country code with its registered length, read with or without single spaces between
 * characters, checked with ISO 7064 mod 97-10 and the country's BBAN format (ibantools). The length
 * comes from the country table, so an IBAN followed by more text on the line is cut at the right place.
 */
export const ibanRecognizer: Recognizer = {
  name: "IbanRecognizer",
  labels: ["IBAN"],
  run(model, config) {
    const out: Candidate[] = [];
    const text = model.text;
    const context = forLanguages(CONTEXT, config.languages);
    for (const m of matches(START, text)) {
      const cc = m[0].slice(0, 2).toUpperCase();
      const spec = countrySpecs[cc];
      if (!spec?.chars) continue;
      let count = 0;
      let i = m.index;
      let chars = "";
      while (i < text.length && count < spec.chars) {
        const c = text[i]!;
        if (/[A-Za-z0-9]/.test(c)) {
          chars += c;
          count++;
          i++;
        } else if (c === " " && count > 0 && /[A-Za-z0-9]/.test(text[i + 1] ?? "")) {
          i++;
        } else break;
      }
      if (count !== spec.chars || /[\p{L}\p{N}]/u.test(text[i] ?? "")) continue;
      const start = m.index;
      const end = i;
      const valid = isValidIBAN(chars.toUpperCase());
      if (!valid && config.checksumValidationMode === "strict") continue;
      out.push({
        start,
        end,
        label: "IBAN",
        score: valid ? boost(0.9, hasContext(model, start, end, context)) : 0.3,
        recognizer: this.name,
        strength: valid ? "checksum" : "heuristic",
      });
    }
    return out;
  },
};
