import ianaTlds from "tlds";

/**
 * Top-level domains accepted in e-mail addresses and URLs: the IANA root zone list as shipped by the
 * `tlds` package (every delegated TLD, including the new generic and brand ones).
 */
export const KNOWN_TLDS: ReadonlySet<string> = new Set(ianaTlds.map((t) => t.toLowerCase()));
