/**
 * One colour per entity type, stable across sessions and distinguishable on white and on text.
 * Unit-tested in test/unit/web/viewer/colors.test.ts.
 */
export const FIXED: Readonly<Record<string, string>> = {
  PERSON: "#d62728",
  EMAIL_ADDRESS: "#1f77b4",
  EMAIL: "#1f77b4",
  PHONE_NUMBER: "#2ca02c",
  IBAN_CODE: "#9467bd",
  IBAN: "#9467bd",
  CREDIT_CARD: "#8c564b",
  LOCATION: "#e377c2",
  PHYSICAL_ADDRESS: "#e377c2",
  DATE_TIME: "#7f7f7f",
  DATE: "#7f7f7f",
  ORGANISATION: "#bcbd22",
  ORGANIZATION: "#bcbd22",
  IP_ADDRESS: "#17becf",
  MANUAL: "#111111",
  // A fake redaction (a box drawn over text that is still in the file): vivid violet, far from every other
  // colour here, with at least 4.5:1 contrast on white (the list) and 3:1 on black (the fake box it lies on).
  // The viewer also hatches these boxes (styles.css `.det.exposed`), so colour is not the only sign.
  EXPOSED_REDACTION: "#aa00ff",
};
export const PALETTE = ["#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1b9e77", "#666666"];

export function colorFor(label: string): string {
  const key = label.toUpperCase();
  if (FIXED[key]) return FIXED[key];
  let h = 0;
  for (const c of key) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length];
}
