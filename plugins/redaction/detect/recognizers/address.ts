import { digitView, labelled } from "../evidence";
import type { Candidate } from "../types";
import type { TextModel } from "../text-model";
import { MONTH_WORDS } from "./date";
import { matches, type Recognizer } from "./recognizer";

const CAP = "\\p{Lu}[\\p{L}'’-]*\\.?";
/** Every USPS street suffix (Publication 28, appendix C1): primary names and standard abbreviations, plus British types. */
const USPS =
  "Alley|Aly|Anex|Annex|Arcade|Arc|Avenue|Ave|Av|Bayou|Byu|Beach|Bch|Bend|Bnd|Bluff|Blf|Bluffs|Blfs|Bottom|Btm|Boulevard|Blvd|Branch|Br|Bridge|Brg|Brook|Brk|Brooks|Brks|Burg|Bg|Burgs|Bgs|Bypass|Byp|Camp|Cp|Canyon|Cyn|Cape|Cpe|Causeway|Cswy|Center|Ctr|Centers|Ctrs|Circle|Cir|Circles|Cirs|Cliff|Clf|Cliffs|Clfs|Club|Clb|Common|Cmn|Commons|Cmns|Corner|Cor|Corners|Cors|Course|Crse|Court|Ct|Courts|Cts|Cove|Cv|Coves|Cvs|Creek|Crk|Crescent|Cres|Crest|Crst|Crossing|Xing|Crossroad|Xrd|Crossroads|Xrds|Curve|Curv|Dale|Dl|Dam|Dm|Divide|Dv|Drive|Dr|Drives|Drs|Estate|Est|Estates|Ests|Expressway|Expy|Extension|Ext|Extensions|Exts|Fall|Falls|Fls|Ferry|Fry|Field|Fld|Fields|Flds|Flat|Flt|Flats|Flts|Ford|Frd|Fords|Frds|Forest|Frst|Forge|Frg|Forges|Frgs|Fork|Frk|Forks|Frks|Fort|Ft|Freeway|Fwy|Garden|Gdn|Gardens|Gdns|Gateway|Gtwy|Glen|Gln|Glens|Glns|Green|Grn|Greens|Grns|Grove|Grv|Groves|Grvs|Harbor|Hbr|Harbors|Hbrs|Haven|Hvn|Heights|Hts|Highway|Hwy|Hill|Hl|Hills|Hls|Hollow|Holw|Inlet|Inlt|Island|Is|Islands|Iss|Isle|Junction|Jct|Junctions|Jcts|Key|Ky|Keys|Kys|Knoll|Knl|Knolls|Knls|Lake|Lk|Lakes|Lks|Land|Landing|Lndg|Lane|Ln|Light|Lgt|Lights|Lgts|Loaf|Lf|Lock|Lck|Locks|Lcks|Lodge|Ldg|Loop|Mall|Manor|Mnr|Manors|Mnrs|Meadow|Mdw|Meadows|Mdws|Mews|Mill|Ml|Mills|Mls|Mission|Msn|Motorway|Mtwy|Mount|Mt|Mountain|Mtn|Mountains|Mtns|Neck|Nck|Orchard|Orch|Oval|Overpass|Opas|Park|Parks|Parkway|Pkwy|Parkways|Pkwys|Pass|Passage|Psge|Path|Pike|Pine|Pne|Pines|Pnes|Place|Pl|Plain|Pln|Plains|Plns|Plaza|Plz|Point|Pt|Points|Pts|Port|Prt|Ports|Prts|Prairie|Pr|Radial|Radl|Ramp|Ranch|Rnch|Rapid|Rpd|Rapids|Rpds|Rest|Rst|Ridge|Rdg|Ridges|Rdgs|River|Riv|Road|Rd|Roads|Rds|Route|Rte|Row|Rue|Run|Shoal|Shl|Shoals|Shls|Shore|Shr|Shores|Shrs|Skyway|Skwy|Spring|Spg|Springs|Spgs|Spur|Spurs|Square|Sq|Squares|Sqs|Station|Sta|Stravenue|Stra|Stream|Strm|Street|St|Streets|Sts|Summit|Smt|Terrace|Ter|Throughway|Trwy|Trace|Trce|Track|Trak|Trafficway|Trfy|Trail|Trl|Trailer|Trlr|Tunnel|Tunl|Turnpike|Tpke|Underpass|Upas|Union|Un|Unions|Uns|Valley|Vly|Valleys|Vlys|Viaduct|Via|View|Vw|Views|Vws|Village|Vlg|Villages|Vlgs|Ville|Vl|Vista|Vis|Walk|Walks|Wall|Way|Ways|Well|Wl|Wells|Wls|Close|Rise|Parade|Wharf|Yard|Approach|Chase|Drove|Gate|Hey|Mead|Brow|Croft|Fold|Wynd";
/** The street types above as lower-case words ("glen", "ville", "paddock"), for recognisers that must tell a street from a name. */
export const STREET_TYPES: ReadonlySet<string> = new Set(USPS.split("|").map((t) => t.toLowerCase()));
const UNIT = "(?:\\d{1,2}\\.?[ ]?(?:OG|EG|DG|UG|Stock|Etage|étage|e étage|er étage|ème étage)|Apt\\.?|Apartment|Suite|Ste\\.?|Unit|Flat|Floor|Fl\\.|Room|Rm\\.?|Bldg\\.?|Building|#|Zimmer|Wohnung|Whg\\.?|Etage|Appartement|Appt\\.?|Bât\\.?|Bâtiment|Piso|Puerta|Portal|Escalera|Esc\\.)[ ]?\\d{0,5}[A-Za-z]?";
const DIR = "(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\\.?";
const DE_SUFFIX = ["straße", "strasse", "str.", "weg", "gasse", "platz", "allee", "ring", "damm", "ufer", "chaussee", "steig", "pfad", "stieg", "markt", "graben", "wall", "kamp", "berg", "hof", "park", "garten", "gärten", "tor", "brücke", "straat", "laan", "plein", "gracht", "kade", "dijk", "singel"]
  .map((s) => `[${s[0]!.toUpperCase()}${s[0]}]${s.slice(1).replace(/\./g, "\\.")}`)
  .join("|");
const DE_PREP = "(?:(?:Am|An|Auf|Hinter|Unter|Vor|Über|Bei|In|Im|Zum|Zur|Beim)(?: (?:der|dem|den|die|das))?|Alte|Alter|Neue|Neuer|Obere|Untere)";
const FR_TYPES = "rue|chemin|avenue|av\\.|boulevard|bd|place|allée|impasse|quai|route|cours|square|passage|voie|sentier|résidence|promenade|faubourg|montée|cité|hameau|rond-point|parvis|esplanade|lieu-dit";
const FR_PART = "(?:de la|de l'|de l’|des|du|de|d'|d’|la|le|les|l'|l’|aux|au)";
// Spanish street types: the common ones, then the rest of the INE's list of "tipos de vía" (the census street
// register's) that were missing ("Ferrocarril Reina Marrero 47", "Extrarradio Mateo 1"); not "Puerta" (a
// unit), nor types that are common surnames (Mercado, Puente, Rincón, Huerta, Monte: "Mercado Ortega" above
// a street is a person) or buildings (Edificio, Chalet)
const ES_TYPES = "Gran Subida|Vía Pública|Calleja|Barranco|Bloque|Entrada|Extramuros|Extrarradio|Ferrocarril|Parcela|Ramal|Rampa|Salida|Sección|Terrenos|Calle|C/|Avenida|Avda\\.?|Av\\.|Paseo|Pº|Plaza|Pza\\.?|Ronda|Camino|Carretera|Ctra\\.?|Travesía|Travesia|Escalinata|Glorieta|Callejón|Urbanización|Urb\\.|Alameda|Cuesta|Rambla|Vía|Pasaje|Partida|Polígono|Sector|Barrio|Colonia|Carrer|Passeig|Bulevar|Cañada|Costanilla|Plazuela|Rúa|Senda|Vereda|Arroyo|Acceso|Grupo|Jardines|Lugar|Manzana|Muelle|Parque|Subida|Torrente|Via|Viale|Piazza|Corso|Largo|Rua|Praça|Travessa|Municipio|Poblado|Masía|Masia|Arrabal|Caserío|Caserio|Aldea|Diseminado|Conjunto|Explanada|Quinta|Bajada|Prolongación|Ribera|Paraje|Camí|Carreró";
const ES_PART = "(?:de|del|de la|de los|de las|la|el|los|las|y|di|della|delle|dei|da|do|dos|das)";
const US_STATES =
  "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|PR";
const TOWN_WORD = "\\p{Lu}[\\p{L}'’-]*";
// connectors longest first and whole words: "Cerdañola del Vallés" is not "Cerdañola de" + "l Vallés"
// a German town's river or region in brackets is part of its name: "Frankfurt (Oder)", "Stolberg (Rheinland)"
const TOWN = `${TOWN_WORD}(?:[ -](?:(?:an der|de la|upon|sous|del|bei|sur|les|lès|am|im|en|de|la|le|el|on|in)(?![\\p{L}])|${TOWN_WORD})){0,4}(?: \\(\\p{Lu}[\\p{L}.]*(?:[ -]\\p{L}+)?\\))?`;

/** Words a town name cannot end with (articles, "Saint", "Bad", "de"): after one, a line break is a wrap. */
const WRAPPED_TOWN_HEAD = /(?:^|[ -])(?:Le|La|Les|L'|San|Santa|Santo|Saint|Sainte|St\.?|Ste\.?|Bad|Alt|Neu|El|Los|Las|Villa|Port|Mont|New|de|del|de la|sur|sous|en|am|an der|im|bei|upon|on)$/u;

/** Street lines, each with a score of how sure its shape alone makes it. */
const STREETS: { re: RegExp; score: number }[] = [
  // 983 Ford Extensions Apt. 522, 1600 Pennsylvania Avenue NW, 221B Baker Street
  { re: new RegExp(`(?<![\\p{L}\\p{N}/.-])\\d{1,6}[A-Za-z]?(?:-\\d{1,5})?[ \\n](?:${DIR} )?(?:(?:${CAP}|\\d{1,3}(?:st|nd|rd|th))[ \\n]){1,4}(?:${USPS})\\.?(?: ${DIR})?(?![\\p{L}\\p{N}])(?:,? ${UNIT})?`, "gu"), score: 0.65 },
  // Hauptstraße 5, Karl-Carstens-Ring 3 Zimmer 522, Müllerstr. 12a, Am Bahnhof 7
  { re: new RegExp(`(?<![\\p{L}])(?:(?:${CAP}[ -])?\\p{Lu}[\\p{L}-]*(?:${DE_SUFFIX})|${DE_PREP} ${CAP}(?: ${CAP})?)[ ]?\\d{1,4}[ ]?[a-zA-Z]?(?:[-/]\\d{1,4}[a-z]?)?(?![\\p{N}\\p{L}]|[./]\\d)(?:,? ${UNIT})?`, "gu"), score: 0.65 },
  // 10 rue de la Paix, 355, chemin de Martin, 5 bis avenue Victor Hugo, 4996 Place Saint-Jacques Apt. 165
  { re: new RegExp(`(?<![\\p{L}\\p{N}])\\d{1,4}(?: ?(?:bis|ter|[A-D]))?,?[ \\n](?:${FR_TYPES})[ \\n](?:${FR_PART}[ \\n]?)?(?:${CAP}|\\p{Ll}{3,})(?:[ \\n-](?:${FR_PART}|${CAP})){0,4}(?:,? ${UNIT})?`, "giu"), score: 0.7 },
  // Calle Mayor 5, Escalinata Gabriela Pantoja Ureña 40 3º Dcha., C/ Luna, 12, 2º A (a floor is one or two
  // digits: "114, 61157\nValladolid" is the number and a postcode whose town wrapped, not floor 61)
  { re: new RegExp(`(?<![\\p{L}])(?:${ES_TYPES}) (?:${ES_PART} )?${CAP}(?:[ \\n](?:${ES_PART}|${CAP})){0,5},?[ \\n](?:n\\.?º ?)?(?:\\d{1,4}[a-zA-Z]?(?![\\p{N}])|s\\/n\\.?)(?:,? ?\\d{1,2}(?![\\p{N}])[º°ª]?(?: ?(?:[A-H]|Izq\\.?|Izda\\.?|Dcha\\.?|Dch\\.?|Ctro\\.?))?)?(?:,? ${UNIT})?`, "gu"), score: 0.7 },
];

/** Postcode + town lines. */
const TAILS: { re: RegExp; score: number; region: string }[] = [
  // Springfield, IL 62704-1234; the state or the ZIP may wrap to the next line ("Berniercester, FL\n62817-9571",
  // "Tonyshire,\nGA 17285")
  { re: new RegExp(`(?<![\\p{L}])${TOWN},?[ \\n](?:${US_STATES})[ \\n]\\d{5}(?:-\\d{4})?(?![\\p{N}])`, "gu"), score: 0.6, region: "US" },
  // East McGlynn NP3 2KM, London SW1A 1AA, SW1A 1AA London
  { re: new RegExp(`(?<![\\p{L}])(?:${TOWN},? )?(?:GIR ?0AA|[A-Z]{1,2}\\d[A-Z\\d]?[ \\n]?\\d[A-Z\\d][A-Z])(?![\\p{L}\\p{N}])`, "gu"), score: 0.55, region: "GB" },
  // 10115 Berlin, F-75001 Paris, 1010 Wien, 1234 AB Amsterdam, 28013 Alcalá de Henares
  { re: new RegExp(`(?<![\\p{L}\\p{N}.,-]|\\d[ ])(?:[A-Z]{1,2}-)?\\d{4,5}(?: [A-Z]{2})? ${TOWN}`, "gu"), score: 0.35, region: "EU" },
  // the same wrapped after the postcode: only ever used to complete a street found before it
  { re: new RegExp(`(?<![\\p{L}\\p{N}.,-]|\\d[ ])(?:[A-Z]{1,2}-)?\\d{4,5}(?: [A-Z]{2})?\\n${TOWN}`, "gu"), score: 0, region: "EU-wrapped" },
];

/** Label words of this recogniser (also never a name on their own: see person.ts). */
export const ADDRESS_CONTEXT = ["address", "home address", "mailing address", "residence", "resident at", "living at", "lives at", "Anschrift", "Adresse", "Wohnort", "wohnhaft", "domicile", "domicilié", "demeurant", "dirección", "domicilio", "residente en", "indirizzo", "morada", "adres"];

/**
 * A 4-digit "postcode" that is the year of a date: after a month name, maybe its day, a comma or "de"
 * ("29 novembre 1989", "May 20, 1953", "12 de marzo de 1947"). In a CV the next line's heading ("GitHub",
 * "Experiencia") then reads like a town wrapped after its postcode.
 */
const YEAR_AFTER_MONTH = new RegExp(`(?<![\\p{L}])(?:${MONTH_WORDS.join("|")})\\.?(?:[ ]\\d{1,2})?,?(?:[ ]de)?[ ]?$`, "iu");
function isYearOfDate(text: string, start: number): boolean {
  const year = /^(1[89]|20)\d\d(?!\d)/.test(text.slice(start, start + 5));
  return year && YEAR_AFTER_MONTH.test(text.slice(Math.max(0, start - 24), start));
}

interface Span {
  start: number;
  end: number;
  score: number;
}

function trimEnd(model: TextModel, s: Span): Span {
  let end = s.end;
  while (end > s.start && /[\s,.;:]/.test(model.text[end - 1]!) && !/(?:Apt|Ste|St|Rd|Av|Dr|Ave|Blvd|str|Dcha|Izq|Izda|Avda|Pza)\.$/.test(model.text.slice(s.start, end))) end--;
  return { ...s, end };
}

/**
 * A street part before a tail on the same line, of any street type: from the last boundary (line
 * start, a colon, an address word) to the tail, when it holds a house number (or "s/n") and reads
 * like a street (capitalised words, at most eight tokens, no sentence end).
 */
function streetBefore(model: TextModel, tailStart: number, needBoundary = false): number | null {
  let lineStart = Math.max(model.text.lastIndexOf("\n", tailStart - 1) + 1, tailStart - 80);
  // a tail at (or a few characters into) its line: prose wrapped between street and town ("address 321
  // Murray Paddock,\nWindler-on-Schaefer GT5 0MS", "adresse Küppersteger Str. 147 4\nOG, 80417 Neu Linn"),
  // so the street is the end of the line above, after its address word
  const head = model.text.slice(lineStart, tailStart);
  // (not when the head is a street itself, a word and a house number: "Kump 28a, 97837 Nord Karina")
  const wrapped = lineStart > 0 && head.length <= 12 && !/[:;(]/.test(head) && !(/\p{L}{3,}/u.test(head) && /\d/.test(head)) && lineStart === model.text.lastIndexOf("\n", tailStart - 1) + 1;
  if (wrapped) lineStart = Math.max(model.text.lastIndexOf("\n", lineStart - 2) + 1, tailStart - 80);
  const before = model.text.slice(lineStart, tailStart);
  let from = 0;
  let bounded = false;
  for (const m of before.matchAll(BOUNDARY)) {
    from = m.index + m[0].length;
    bounded = m[0].trim().length > 0;
  }
  if ((wrapped || needBoundary) && !bounded) return null;
  const part = before.slice(from);
  const street = part.replace(/^\s+/, "");
  const offset = tailStart - street.length;
  if (!street || street.length > 65 || !/(?:(?<![\p{L}\p{N}])\d{1,5}[a-zA-Z]?(?![\p{L}\p{N}])|s\/n)/u.test(street) || !/^(?:\p{Lu}|\d|C\/)/u.test(street)) return null;
  if (!/\p{L}{3,}/u.test(street) || /^\d[\d\s-]*$/.test(street.trim())) return null;
  // a sentence end is not part of a street, but "s/n." (sin número) before a unit is: "Parcela Mónica Carrión s/n. Puerta 861,"
  if (/[@]|https?:|\.\s\p{Lu}|\d{6,}/u.test(street.replace(/s\/n\./g, "s/n")) || street.split(/\s+/).length > 9) return null;
  if (!/[,\s]$/.test(street)) return null;
  return offset;
}
// the empty line-start alternative last, or it would win at offset 0 over a label word there
const BOUNDARY = new RegExp(`(?:(?<![\\p{L}])(?:${["address", "Anschrift", "Adresse", "adresse", "Wohnort", "dirección", "direccion", "domicilio", "domicile", "wohnhaft", "residing at", "demeurant", "living at", "lives at"].join("|")})|[:;(]|^)\\s*`, "giu");

/** The previous line as a street: short, with a house number, right above the tail. */
function streetAbove(model: TextModel, tailStart: number): number | null {
  if (tailStart === 0 || model.text[tailStart - 1] !== "\n") return null;
  const prevStart = model.text.lastIndexOf("\n", tailStart - 2) + 1;
  const prev = model.text.slice(prevStart, tailStart - 1);
  // "Salida Juana s/n.": a Spanish street "sin número" has no digit
  if (prev.length > 70 || !/\d|(?<![\p{L}])s\/n\b/u.test(prev) || !/\p{Lu}/u.test(prev)) return null;
  if (!/^(?:\d{1,5}[A-Za-z]?\b|\p{Lu}|C\/)/u.test(prev) || /@|https?:|\d{6,}/.test(prev)) return null;
  return prevStart;
}

/**
 * PHYSICAL_ADDRESS, candidate -> evidence -> decision. Candidates: street lines (house number and
 * any USPS suffix with units, German -straße/-weg/-allee 12, French "355, chemin de ...", Spanish
 * "Calle ... 12, 3º A"), and postcode + town lines (US state + ZIP, UK postcodes, 4-5 digit European
 * postcodes). Evidence: a street followed by its postcode/town on the same or the next line (the
 * strongest: this also accepts streets of no known type, "9 Waterside\nLake Evan NP3 2KM"), an address
 * label, the document's region matching the postcode shape. A street and its town are one finding,
 * with one box per line.
 */
export const addressRecognizer: Recognizer = {
  name: "AddressRecognizer",
  labels: ["PHYSICAL_ADDRESS"],
  run(model) {
    const out: Candidate[] = [];
    const emit = (s: Span) => {
      const t = trimEnd(model, s);
      const label = labelled(model, t.start, t.end, ADDRESS_CONTEXT) !== null;
      out.push({ start: t.start, end: t.end, score: Math.min(1, t.score + (label ? 0.25 : 0)), label: "PHYSICAL_ADDRESS", recognizer: this.name, strength: "heuristic" });
    };
    const streets: Span[] = [];
    // house numbers and postcodes on the digit view: "7l099 Orléans", "KS 52O35" (same offsets as the text)
    const digits = digitView(model);
    for (const { re, score } of STREETS) for (const m of matches(re, digits)) streets.push({ start: m.index, end: m.index + m[0].length, score });
    const region = model.locale?.region;
    const tails: (Span & { wrapped: boolean })[] = [];
    for (const { re, score, region: r } of TAILS) {
      const seen = new Set<string>();
      // UK postcodes mix letters and digits ("OS0 0MP"): the digit view would turn them into "050 0MP"
      for (const view of r === "GB" ? [digits, model.text] : [digits])
        for (const m of matches(re, view)) {
          const key = `${m.index}:${m[0].length}`;
          if (seen.has(key) || ((r === "EU" || r === "EU-wrapped") && isYearOfDate(view, m.index))) continue;
          seen.add(key);
          const fits = r === region || (r === "EU" && region !== "US" && region !== "GB");
          tails.push({ start: m.index, end: m.index + m[0].length, score: score + (fits ? 0.1 : 0), wrapped: r === "EU-wrapped" });
        }
    }
    // a town name does not end in its article or first word: "06603 Le\nTampon", "Santa Cruz de\nTenerife"
    for (const t of tails) {
      if (WRAPPED_TOWN_HEAD.test(model.text.slice(Math.max(t.start, t.end - 12), t.end))) {
        const next = new RegExp(`^\\n${TOWN_WORD}(?:[ -]${TOWN_WORD})?`, "u").exec(model.text.slice(t.end, t.end + 60));
        if (next) t.end += next[0].length;
        continue;
      }
      // prose wrapped inside a two-word town: "anschrift Stöwerring 97a, 29431 Süd\nJeremiestadt, Mobil ...";
      // the rest of the town is one capitalised word that a comma ends
      if (t.wrapped || !/^\d{4,5} \p{Lu}\p{Ll}+$/u.test(model.text.slice(t.start, t.end))) continue;
      const next = new RegExp(`^\\n(${TOWN_WORD}),`, "u").exec(model.text.slice(t.end, t.end + 40));
      if (next && labelled(model, t.start, t.end, ADDRESS_CONTEXT) === "line") t.end += next[0].length - 1;
    }
    tails.sort((a, b) => a.start - b.start || b.end - a.end);
    const used = new Set<Span>();
    for (const t of tails) {
      // the street that ends right before this tail (same line after a comma, or the line above)
      const gapOk = (s: Span) => {
        const between = model.text.slice(s.end, t.start);
        return s.end <= t.start && /^[ ,]*\n?[ ]*$/.test(between) && between.length < 6;
      };
      const st = streets.find((s) => gapOk(s));
      if (st) {
        used.add(st);
        emit({ start: st.start, end: t.end, score: 0.9 });
        continue;
      }
      if (t.wrapped) {
        // a town wrapped after its postcode, in prose after an address word: "dirección Entrada Elsa, 14, 38283\nValladolid"
        const st2 = streetBefore(model, t.start, true);
        if (st2 !== null) emit({ start: st2, end: t.end, score: 0.8 });
        continue;
      }
      const above = streetAbove(model, t.start);
      const before = above ?? streetBefore(model, t.start);
      if (before !== null) emit({ start: before, end: t.end, score: 0.8 });
      else emit(t);
    }
    for (const s of streets) if (!used.has(s)) emit(s);
    return out;
  },
};
