import { countrySpecs } from "ibantools";

/**
 * Top-level domains accepted in email addresses. The vendor checks the IANA list; shipping all ~1,450
 * entries (most of them unused brand TLDs) buys little, so we take every ISO 3166 country code
 * (ccTLDs, from ibantools' country table) plus the generic TLDs actually seen in correspondence.
 * An address under another TLD is not detected: add a pattern recogniser if you need one.
 */
const GENERIC = `com net org edu gov mil int info biz name pro aero coop museum mobi jobs travel tel asia cat post
app dev io ai co me tv cloud online site shop store tech blog email xyz top club live news art design agency
digital company solutions services group global world today life website space fun law legal bank insurance
health care clinic network systems software consulting media studio email uk eu ac berlin hamburg koeln bayern
paris london nyc swiss amsterdam brussels wien zuerich gmbh ag llc ltd inc business center church family
finance financial capital consulting partners legal lawyer attorney dental doctor hospital university school
academy education institute foundation charity ngo one page link click works zone team tools support help
social photo pictures video music games game email mail chat web host hosting domains network cc ws`;

export const KNOWN_TLDS: ReadonlySet<string> = new Set([
  ...Object.keys(countrySpecs).map((c) => c.toLowerCase()),
  ...GENERIC.split(/\s+/).filter(Boolean),
]);
