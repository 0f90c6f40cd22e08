import { labelled } from "../evidence";
import type { Candidate } from "../types";
import { matches, type Recognizer } from "./recognizer";
import { KNOWN_TLDS } from "./tlds";

/**
 * http(s):// or www. URLs, mailto: links, and bare host/path links on the profile hosts below. A mailto:
 * link is taken to its end whatever OCR made of its "@" ("mailto:jane.doeQGhotmail.com", "...©gmail.com",
 * "...(a)gmail.com"): "mailto:" alone says a person's address follows, and a link missed for a misread "@"
 * leaves the address, and the name it spells, in the redacted scan.
 */
const URL_SHAPE =
  /(?<![\p{L}\p{N}@./-])(?:mailto:[A-Za-z0-9._%+-]+(?:@|[ ]?(?:[©®OQG0]{1,2}|\(a\))[ ]?)[A-Za-z0-9.-]+\.[A-Za-z]{2,24}|mailto:[A-Za-z0-9._%+-]{2,}(?:@[A-Za-z0-9.-]*)?|(?:https?:\/\/|www\.)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::\d{2,5})?(?:\/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?(?:\?[A-Za-z0-9._~%!$&'()*+,;=:@/?-]*)?|(?:[a-z0-9-]+\.)*(?:linkedin\.com|github\.com|gitlab\.com|xing\.com|twitter\.com|x\.com|facebook\.com|instagram\.com|medium\.com|about\.me|behance\.net|dribbble\.com|tiktok\.com|youtube\.com|threads\.net|bsky\.app|mastodon\.social|stackoverflow\.com|researchgate\.net|orcid\.org)\/[A-Za-z0-9._~%@/-]+)/gu;

/** Hosts whose paths name a person (profiles). */
const PROFILE_HOSTS = /(?:^|\.)(?:linkedin|github|gitlab|xing|twitter|x|facebook|instagram|medium|about|behance|dribbble|tiktok|youtube|threads|bsky|mastodon|stackoverflow|researchgate|orcid)\.(?:com|me|net|app|social|org)$/i;
/** Label words of this recogniser (also never a name on their own: see person.ts). */
export const URL_CONTEXT = ["LinkedIn", "GitHub", "GitLab", "XING", "Twitter", "profile", "website", "homepage", "home page", "portfolio", "blog", "web", "personal site", "Profil", "Webseite", "Homepage", "site web", "site personnel", "perfil", "web personal", "página web"];

/**
 * URL (personal URLs), candidate -> evidence -> decision. Candidates: http(s)/www URLs, mailto: links
 * and profile links without a scheme ("linkedin.com/in/jane-doe"). Evidence: a profile host with a
 * path (a person's page), mailto: (a person's address), a delegated TLD, a profile/website label, other
 * personal data on the same line (a CV's contact line). A company's bare home page with no personal
 * context stays under the threshold.
 */
export const urlRecognizer: Recognizer = {
  name: "UrlRecognizer",
  labels: ["URL"],
  run(model) {
    const out: Candidate[] = [];
    for (const m of matches(URL_SHAPE, model.text)) {
      let raw = m[0];
      // sentence punctuation and closing brackets after a URL are not part of it
      while (/[.,;:!?)\]'"]$/.test(raw) && !(raw.endsWith(")") && raw.includes("("))) raw = raw.slice(0, -1);
      const start = m.index;
      const end = start + raw.length;
      const mailto = raw.toLowerCase().startsWith("mailto:");
      const host = mailto ? "" : raw.replace(/^(?:https?:\/\/)?/i, "").split(/[/:?#]/)[0]!.toLowerCase();
      const path = mailto ? "" : raw.replace(/^(?:https?:\/\/)?[^/]+/i, "");
      const tld = host.slice(host.lastIndexOf(".") + 1);
      if (!mailto && !KNOWN_TLDS.has(tld)) continue;
      const profile = PROFILE_HOSTS.test(host) && path.replace(/\//g, "").length > 1;
      const label = labelled(model, start, end, URL_CONTEXT);
      const lineStart = model.text.lastIndexOf("\n", start) + 1;
      const lineEndAt = model.text.indexOf("\n", end);
      const line = model.text.slice(lineStart, lineEndAt === -1 ? undefined : lineEndAt);
      const personalLine = /@[A-Za-z0-9-]+\.|\+?\d[\d ().-]{7,}\d/.test(line.replace(raw, ""));
      let score = 0.35;
      if (mailto || profile) score += 0.5;
      // a mailto: link is one URL finding, the address inside it is not reported twice
      if (mailto) score = Math.max(score, 0.95);
      if (label) score += 0.3;
      if (personalLine) score += 0.2;
      if (/[~]|\/(?:in|user|users|u|people|profile|team)\//i.test(path)) score += 0.15;
      out.push({ start, end, label: "URL", score: Math.min(1, score), recognizer: this.name, strength: "validated" });
    }
    return out;
  },
};
