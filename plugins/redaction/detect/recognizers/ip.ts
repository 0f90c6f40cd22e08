import ipaddr from "ipaddr.js";
import { digitView, labelled } from "../evidence";
import type { Candidate } from "../types";
import { matches, type Recognizer } from "./recognizer";

// Not preceded by a digit or dot and not followed by ".digit": "1.2.3.4.5" is a version, not an address.
const V4 = /(?<![\p{N}.])(?:\d{1,3}\.){3}\d{1,3}(?![\p{N}]|\.\d)/gu;
const V6 = /(?<![\p{L}\p{N}:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{0,4})(?![\p{L}\p{N}:])/gu;
const V6_OCR = /(?<![\p{L}\p{N}:.-])[0-9A-Fa-fOoIlSs|]{0,4}(?:[:.-][0-9A-Fa-fOoIlSs|]{0,4}){4,8}(?![\p{L}\p{N}:.-])/gu;
const CONTEXT = ["IP", "IP address", "IPv4", "IPv6", "host", "server", "address", "Adresse", "adresse", "dirección", "client", "from", "login", "source", "origin", "X-Originating-IP", "Received", "workstation"];
const NEGATIVE = ["version", "firmware", "build", "release", "v", "Versión", "part", "chapter", "section", "§"];

/**
 * IP_ADDRESS: dotted-quad IPv4 (every octet 0-255: "10.256.3.1" is no address) and IPv6 (ipaddr.js
 * parses it; "::" alone excluded). A version/firmware label lowers an IPv4-shaped value; an IP label
 * or a log line raises it.
 */
export const ipRecognizer: Recognizer = {
  name: "IpRecognizer",
  labels: ["IP_ADDRESS"],
  run(model) {
    const out: Candidate[] = [];
    const emit = (start: number, end: number, base: number) => {
      const label = labelled(model, start, end, CONTEXT) !== null;
      const negative = !label && labelled(model, start, end, NEGATIVE, 0) !== null;
      const score = base + (label ? 0.25 : 0) - (negative ? 0.4 : 0);
      out.push({ start, end, label: "IP_ADDRESS", score: Math.max(0, Math.min(1, score)), recognizer: this.name, strength: "validated" });
    };
    for (const m of matches(V4, digitView(model))) {
      const octets = m[0].split(".");
      if (octets.every((o) => Number(o) <= 255 && !(o.length > 1 && o.startsWith("0")))) emit(m.index, m.index + m[0].length, 0.7);
    }
    const found = new Set<number>();
    for (const m of matches(V6, model.text)) {
      let s = m[0];
      // a trailing single colon belongs to the sentence ("address fe80::1:"), not the address
      if (s.endsWith(":") && !s.endsWith("::")) s = s.slice(0, -1);
      if ((s.match(/[0-9A-Fa-f]/g) ?? []).length < 2) continue;
      if (ipaddr.IPv6.isValid(s)) {
        emit(m.index, m.index + s.length, 0.75);
        found.add(m.index);
      }
    }
    // IPv6 as OCR reads it: a colon read as "-" or ".", a 0 as "O", a 1 as "l", a 5 as "S" ("86fe:bbdf-ec3d::448a",
    // "ffOc", "c5cc" read "cScc"). Only when the repaired value parses; the repair needs two real colons to start from.
    for (const m of matches(V6_OCR, model.text)) {
      if (found.has(m.index) || (m[0].match(/:/g) ?? []).length < 2 || !/[-.OoIlSs|]/.test(m[0])) continue;
      const hex = m[0].replace(/[Oo]/g, "0").replace(/[Il|]/g, "1").replace(/[Ss]/g, "5").replace(/-/g, ":");
      const ok = ipaddr.IPv6.isValid(hex) || ipaddr.IPv6.isValid(hex.replace(/\./g, ":"));
      if (ok) emit(m.index, m.index + m[0].length, 0.65);
    }
    return out;
  },
};
