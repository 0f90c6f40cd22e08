/**
 * Candidate noun phrases and their ranking for the offline engine. Pure: text in, ranked phrases out.
 *
 * Candidates are noun groups found by a rule- and lexicon-based chunker (one for all five languages):
 * stop words, punctuation, numbers, verbs and adverbs end a group; a few connectors may sit inside one
 * ("freedom of information", "pompes à chaleur", "eficiencia en el uso del agua" keeps "uso del agua");
 * German groups end on a capitalised noun; a phrase may not end on a word that mostly modifies the next
 * one (en/de/hi, head-final) or start on one that mostly follows its noun (fr/es, head-first).
 *
 * Why no part-of-speech library: `compromise` (the only maintained pure-JS tagger) is English-only, took
 * about 100 ms for one abstract on the shared 2-core machine (the whole tag step must stay under 0.15 s)
 * and mis-tags exactly the words that matter here ("slices" as a verb, "electric" as an organisation).
 *
 * Score (higher is better) = word importance (frequency, damped for generic words of the language's
 * background list) × phrase frequency × position of the first occurrence × title boost × quality
 * (multi-word bonus, penalties for chance co-occurrence and modifier edges). Variants are merged by
 * Snowball stem (Porter for English), keeping the surface form written most often.
 */
import { newStemmer, type Stemmer } from "snowball-stemmers";
import { stopwordsFor, type Language } from "./stopwords";
import { WORD_RE } from "./text";

export interface Keyphrase {
  phrase: string;
  /** Stemmed words joined by spaces: the identity of a phrase. */
  stem: string;
  score: number;
  count: number;
}

const STEMMERS: Partial<Record<Language, Stemmer>> = {
  en: newStemmer("porter"),
  de: newStemmer("german"),
  fr: newStemmer("french"),
  es: newStemmer("spanish"),
};
const HI_SUFFIXES = ["ियाँ", "ियों", "ाओं", "ाएँ", "ाएं", "ों", "ें", "ीं", "ाँ"];

/** The comparison stem of a lower-case word. */
export function stemWord(word: string, language: Language): string {
  const s = STEMMERS[language];
  if (s) return s.stem(word);
  for (const suf of HI_SUFFIXES) if (word.length > suf.length + 1 && word.endsWith(suf)) return word.slice(0, -suf.length);
  return word;
}

/** Words allowed inside a noun group (never at its edges). */
const CONNECTORS: Record<Language, ReadonlySet<string>> = {
  en: new Set(["of"]),
  de: new Set<string>(),
  fr: new Set(["de", "des", "du", "d", "à"]),
  es: new Set(["de", "del"]),
  hi: new Set<string>(),
};

/**
 * The background: words so common in any scholarly or administrative text that alone they say nothing
 * about the topic ("study", "impact", "countries"). They may sit inside a phrase, but a phrase made only
 * of them, or headed by one, ranks low. Data, not logic; per language.
 */
const GENERIC_WORDS: Record<Language, string> = {
  en: `study studies role research analysis analyses method methods methodology impact impacts effect effects result
    results finding findings evidence data approach approaches country countries paper article participant participants
    sample samples level levels rate rates use usage group groups number numbers case cases factor factors value values
    type types way ways area areas time times year years day days month months week point points part parts share
    average percent percentage increase increases decrease reduction reductions difference differences change changes
    benefit benefits cost problem problems question questions people person persons term terms work framework
    implication implications outcome outcomes measure measures experiment experiments site sites half first second
    third lower higher large small high low new recent current important significant strong stronger weak major main
    key overall total mean similar different various several many less general specific possible likely available
    common better best greater larger smaller further additional early late long short average way aspect aspects
    issue issues context condition conditions basis extent purpose goal aim aims objective objectives performance
    practice practices process processes system systems model models technique techniques tool tools strategy
    strategies policy policies interval period periods end start kind set series range amount quantity degree
    respect relation relationship relationships association associations comparison comparisons trend trends response
    responses estimate estimates option options feature features element elements structure structures form forms
    field fields region regions world future past today contribution contributions potential support need needs
    example examples addition view views way paper review overview survey surveys literature information perspective
    team researchers author authors scholars investigation experience experiences challenge challenges opportunity
    opportunities success failure level evaluation assessment development growth improvement progress`,
  de: `studie studien untersuchung untersuchungen ergebnis ergebnisse analyse analysen rolle einfluss wirkung wirkungen
    effekt effekte daten zahl zahlen anteil prozent prozentpunkte jahr jahre jahren monat monate folge folgen
    zusammenhang grundlage personen fall fälle teil art weise bereich bereiche frage fragen methode methoden ansatz
    hoch höher gering geringer groß größer neu neue deutlich häufig häufigsten wichtig stark stärksten mittel
    vergleich vergleiche entwicklung veränderung beitrag ziel ziele form formen gruppe gruppen zeit zeitraum ende
    beginn seite rahmen hälfte punkt punkte wert werte grad ebene faktor faktoren basis aspekt aspekte problem
    probleme lösung maßnahmen maßnahme nutzen bedeutung hinblick sicht region regionen land länder`,
  fr: `étude études analyse analyses rôle résultat résultats effet effets impact impacts données méthode méthodes part
    parts moyenne nombre année années an ans cas point points facteur facteurs personne personnes mesure mesures
    ensemble partie parties fin début gain gains coût coûts niveau niveaux taux type types manière façon domaine
    question questions problème problèmes évolution augmentation baisse diminution réduction différence différences
    comparaison objectif objectifs cadre base aspect aspects moitié tiers quart raison raisons lieu lieux temps
    période périodes forme formes groupe groupes valeur valeurs degré rapport relation relations résultat travail
    travaux approche approches pays région régions monde principal principaux principales important importants
    importante élevé élevée faible fort forte grand grande grands nouveau nouvelle nouveaux récent récente
    significatif significative moyen moyens`,
  es: `estudio estudios análisis papel resultado resultados efecto efectos impacto impactos datos método métodos parte
    partes promedio número año años caso casos punto puntos factor factores persona personas medida medidas
    conjunto fin inicio aumento aumentos disminución reducción diferencia diferencias comparación objetivo objetivos
    marco base aspecto aspectos mitad tercio cuarto razón razones lugar tiempo período periodo forma formas grupo
    grupos valor valores grado relación relaciones trabajo enfoque enfoques país países región regiones mundo
    principal principales importante importantes alto alta altos altas bajo baja bajos bajas mayor mayores menor
    menores nuevo nueva nuevos nuevas reciente significativo significativa tasa tasas nivel niveles tipo tipos
    manera modo ámbito cuestión problema problemas evolución probabilidad`,
  hi: `अध्ययन विश्लेषण परिणाम परिणामों प्रभाव भूमिका आँकड़ों आँकड़े आंकड़ों आंकड़े प्रतिशत वर्ष वर्षों औसत औसतन
    अधिक कम प्रमुख मुख्य दर कारण उपाय समय स्तर संख्या भाग हिस्सा तुलना वृद्धि कमी बदलाव परिवर्तन लक्ष्य आधार
    क्षेत्र क्षेत्रों लोग लोगों व्यक्ति मामले मामलों प्रकार तरीका तरीके सफलता शर्तें शर्त लाभ संभावना`,
};

/** Verbs and adverbs that the stop-word lists leave out and that break a noun group. */
const BREAK_WORDS: Record<Language, string> = {
  en: `is are was were be been being has have had do does did can could may might must shall should will would
    show shows showed shown suggest suggests suggested find finds found indicate indicates indicated reveal reveals
    revealed examine examines examined investigate investigates investigated present presents presented propose
    proposes proposed compare compares compared combine combines combined estimate estimated measure measured
    remain remains remained become becomes became seem seems seemed appear appears appeared fell fall falls rose
    rise rises risen grew grow grows reduced reduces increased increases improved improves decreased declined
    declines depend depends depended lead leads led gave give gives taken take takes took made make makes
    received recorded reported reports reached reach reaches exceed exceeded exceeds affect affects affected
    predicted predicts limited limits enable enables allow allows allowed helps helped help provide provides
    provided require requires required consume consumes consumed protect protects removes remove removed argue
    argues argued discuss discusses discussed release releases released conducted analysed analyzed assessed
    evaluated tested studied surveyed monitored mapped sampled sequenced collected used uses linked recruited
    assigned randomised randomized varied identified performed mined labelled labeled rated ranked classed
    carried supported support supports offer offers offered stem stems worked works contributes contribute
    contributed benefited benefit attributed attribute slowed closed reopened returned shrank persisted widened
    obtained explained explains occurred occur occurs tend tends tended began begin begins learn learns learned
    learned say says said claim claims fear worry worries ask asks asked pay pays paid lose loses lost
    very also only even still just often rarely widely mainly mostly largely slightly markedly strongly highly
    roughly nearly almost about approximately particularly especially significantly moderately modestly further
    thus therefore however moreover whereas while although rather quite less more most well poorly quickly
    rapidly slowly increasingly recently previously currently directly indirectly fully partly partially
    replace replaces replaced stop stops stopped spread spreads share shares shared switch switches switched
    rely relies relied promote promotes promoted cool cools cooled reach shorten shortens seal seals embed embedded
    cast reopen persist persists widen apply applies applied prefer prefers remember remembered contest contested
    shape shapes shaped reward rewards rewarded wear wears worsen matter matters serve serves emit emits
    train trains trained learn classify classifies answer answers release hide hides hid infer bound bounds
    perform performs yield yields yielded lower lowers raise raises raised bring brings brought cost costs
    keep keeps kept let lets pose poses belong belongs belonged impair impairs improve improves predict predicts enhance enhances boost
    boosts drive drives reduce increase decrease slow slows prevent prevents cause causes explain shapes`,
  de: `ist sind war waren wird werden wurde wurden worden hat haben hatte hatten kann können konnte konnten soll sollen
    muss müssen zeigt zeigen zeigte zeigten untersuchten untersuchen prüften prüfen lag lagen stieg stiegen sank
    sanken ging gingen blieb blieben erreichte erreichen übertraf übertrafen traten trat verbesserte verbesserten
    profitierten profitierte berichteten berichtet genutzt nutzten wertete werten informierte annotierten
    verknüpften vergleichen vergleicht diskutieren befürchten begrenzt ersetzt dämpft sprechen spricht gilt
    deutlich kaum bisher besonders vor allem eher stark stärker moderat regelmäßig häufig häufiger früh schnell
    dagegen jedoch allerdings zudem sowie bzw`,
  fr: `est sont était étaient a ont avait avaient sera seront peut peuvent doit doivent permet permettent montre
    montrent montré réduit réduisent réduisant augmente augmentent augmenté diminue diminuent diminuaient diminué
    favorise favoriserait compense compensait participe participent recherchent soutiennent reste restent déclarent
    invite invitent plaident obtient atteint associe associant présentons analysons estimons évaluons avons suivi
    comparées enregistré explique expliquent permettant visant répartis présentant reposant envoyé joué
    fortement notamment également particulièrement davantage partiellement toutefois cependant ainsi surtout
    moins plus très souvent récemment systématiquement réellement directement`,
  es: `es son era eran fue fueron ha han había habían será serán puede pueden debe deben permite permiten muestra
    muestran redujo reducir aumentó aumentaron aumenta disminuyó disminuye elevó obliga evaluamos analizamos usamos
    utilizamos estudiamos instalamos registramos combinamos aprovechamos encontramos asoció asociaron tuvo tuvieron
    vieron alcanzaron acumularon aprendió detectó confirmó frenaron revirtieron respaldan siguen sigue afecta
    representa mantener considerar aplicando comparándolas adoptadas
    solo sólo especialmente también muy más menos mientras aunque además sin embargo moderadamente especialmente
    significativamente posteriormente principalmente debería deberían podría podrían sería serían habría tendría`,
  hi: `बढ़ाता बढ़ाती बढ़ाते घटाता दिखाता दिखाते बताते बताता बताती करता करती करते किया किए गया गई गए हुआ हुई हुए रहा रही
    रहे सकता सकती सकते जाता जाती जाते लगाया लगाए मिलाकर जोड़ना जुटाने अपनाने जलाने लगाने सीखते बोलते पढ़ना
    शुरू करके आवश्यक है`,
};

const PARTICIPLE_END: Partial<Record<Language, RegExp>> = {
  fr: /\p{L}{3,}(?:é|ée|és|ées)$/u,
  es: /\p{L}{3,}(?:ado|ada|ados|adas|ido|ida|idos|idas)$/u,
  en: /\p{L}{3,}ed$/u,
};

const setOf = (s: string) => new Set(s.split(/\s+/u).map((w) => w.trim().normalize("NFC").toLowerCase()).filter(Boolean));
const GENERIC: Record<Language, ReadonlySet<string>> = {
  en: setOf(GENERIC_WORDS.en), de: setOf(GENERIC_WORDS.de), fr: setOf(GENERIC_WORDS.fr), es: setOf(GENERIC_WORDS.es), hi: setOf(GENERIC_WORDS.hi),
};
const BREAKS: Record<Language, ReadonlySet<string>> = {
  en: setOf(BREAK_WORDS.en), de: setOf(BREAK_WORDS.de), fr: setOf(BREAK_WORDS.fr), es: setOf(BREAK_WORDS.es), hi: setOf(BREAK_WORDS.hi),
};
const GENERIC_STEMS: Partial<Record<Language, Set<string>>> = {};
function genericStems(language: Language): Set<string> {
  let s = GENERIC_STEMS[language];
  if (!s) {
    s = new Set([...GENERIC[language]].map((w) => stemWord(w, language)));
    GENERIC_STEMS[language] = s;
  }
  return s;
}

/** True when a word alone says nothing about a topic in this language (the background list). */
export function isGenericWord(word: string, language: Language): boolean {
  const w = word.toLowerCase();
  return GENERIC[language].has(w) || genericStems(language).has(stemWord(w, language));
}

interface Tok {
  surface: string;
  lower: string;
  stem: string;
  kind: "content" | "connector" | "break";
  sentence: number;
  /** Capitalised in the text where grammar does not ask for it (German: a noun). */
  capital: boolean;
}

/** Sentences of PDF text: wrapped lines joined, hyphenation at line ends undone. */
export function sentencesOf(text: string): string[] {
  const norm = text.normalize("NFC").replace(/https?:\/\/\S+|www\.\S+|[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu, " ; ");
  const out: string[] = [];
  for (const para of norm.split(/\n\s*\n/u)) {
    const lines = para.split(/\n/u).map((l) => l.trim()).filter((l) => l.length > 0);
    // A line much shorter than the paragraph's wrap width, followed by a capital, ends a sentence
    // (a heading, a form field); otherwise a line break is only a wrap.
    const width = [...lines].map((l) => l.length).sort((a, b) => b - a)[Math.floor(lines.length / 4)] ?? 0;
    let current = "";
    lines.forEach((line, i) => {
      const next = lines[i + 1];
      if (current.endsWith("-") && next !== undefined) {
        // "cross-\nlaminated": a hyphen at a line end is dropped unless the text writes the word with it.
        const a = /(\p{L}+)-$/u.exec(current)?.[1] ?? "";
        const b = /^\p{Ll}+/u.exec(line)?.[0];
        if (a && b) current = norm.includes(`${a}-${b}`) ? `${current}${line}` : `${current.slice(0, -1)}${line}`;
        else current = `${current} ${line}`;
      } else current = current ? `${current} ${line}` : line;
      const short = line.length < 0.7 * width || lines.length === 1;
      const label = next !== undefined && /^\p{L}[\p{L} ]{0,25}:/u.test(next);
      if (next === undefined || label || (short && !/[,;\-–(]$/u.test(line) && /^[\p{Lu}\p{N}]/u.test(next))) {
        out.push(current);
        current = "";
      }
    });
    if (current) out.push(current);
  }
  return out
    .flatMap((s) => s.split(/(?<=[.!?।])\s+/u))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Indexes of words that are pieces of a code written in groups ("GB82 WEST 1234 5698", an IBAN; "AB12
 * CD34 EF56"): a run of two or more space-separated words, each with a digit or in capitals, at least two
 * with digits. Short codes next to words stay ("G20 summit", "ISO 27001", "COVID-19", "PD-1").
 */
function codeRuns(words: readonly string[]): Set<number> {
  const part = /^(?=.*\p{N})[\p{L}\p{N}]+$|^[\p{Lu}\p{N}]{2,}$/u;
  const out = new Set<number>();
  let start = 0;
  const close = (end: number) => {
    const run = words.slice(start, end);
    if (run.length >= 3 && run.filter((w) => /\p{N}/u.test(w)).length >= 2) for (let i = start; i < end; i += 1) out.add(i);
  };
  for (let i = 0; i <= words.length; i += 1) {
    if (i === words.length || !part.test(words[i])) {
      close(i);
      start = i + 1;
    }
  }
  return out;
}

/** An English word that is a verb form or an adverb by its shape ("-ly", past "-ed" of a listed verb). */
const LY_NOUNS = new Set(["family", "supply", "assembly", "anomaly", "italy", "july", "reply", "only", "fly", "ply", "poly", "rely", "apply", "monopoly", "butterfly", "ally", "belly", "jelly", "bully", "rally", "tally", "lily", "holy", "ugly", "jolly", "melancholy"]);
/** Determiners and quantifiers: an "-ing" word right before one is a verb ("enhancing both yield"). */
const EN_DETERMINERS = new Set(["the", "a", "an", "both", "their", "its", "this", "these", "those", "our", "his", "her", "all", "each", "every", "more", "most", "them", "it", "such", "any", "some", "no"]);

/** An English adverb by its shape ("-ly"). */
function breaksEnglish(lower: string): boolean {
  return /^\p{L}{3,}ly$/u.test(lower) && !LY_NOUNS.has(lower);
}

const ES_R_NOUNS = new Set(["familiar", "militar", "similar", "escolar", "celular", "nuclear", "popular", "regular", "particular", "peculiar", "bienestar", "alquiler", "hogares", "molecular", "vascular", "muscular", "circular", "solar", "lugar", "hogar", "mujer", "poder", "placer", "taller", "titular", "secular", "modular", "insular", "lunar", "polar", "azúcar", "auxiliar", "singular", "estelar"]);
const FR_ENT_NOUNS = new Set(["accident", "incident", "président", "patient", "client", "parent", "continent", "adolescent", "équivalent", "différent", "fréquent", "récent", "suffisant", "ingrédient", "coefficient", "gradient", "résident", "agent", "argent", "talent", "précédent", "évident", "urgent", "permanent", "compétent", "cohérent", "dépendant", "excellent", "intelligent", "efficient", "transparent", "absent", "présent", "apparent", "violent", "occident", "orient", "trident", "serpent"]);

function breaksRomance(lower: string, language: "fr" | "es"): boolean {
  if (language === "es") {
    if (/^\p{L}{4,}mente$/u.test(lower) || /^\p{L}{3,}(?:amos|aron|ieron|emos|imos|ando|iendo)$/u.test(lower)) return true;
    // Infinitives ("empujar", "reducir"), except the few nouns of that shape.
    return lower.length >= 6 && /(?:ar|er|ir)$/u.test(lower) && !ES_R_NOUNS.has(lower);
  }
  if (/^\p{L}{3,}(?:aient|èrent|issons|issez)$/u.test(lower)) return true;
  // Third-person plural verbs ("chauffent", "dépendent"); nouns in -ment and a few others are not.
  return lower.length >= 6 && /[^m]ent$/u.test(lower) && !FR_ENT_NOUNS.has(lower);
}

function tokenize(text: string, language: Language): Tok[][] {
  const stop = stopwordsFor(language);
  const connectors = CONNECTORS[language];
  const breaks = BREAKS[language];
  const chunks: Tok[][] = [];
  sentencesOf(text).forEach((sentence, sIdx) => {
    for (const part of sentence.split(/[,;:()[\]{}"“”«»„‚‹›|•·…?!।–—]|\s[-/]\s/u)) {
      const chunk: Tok[] = [];
      const prepared = part.replace(/(?<![\p{L}])([cdjlmnst]|qu)['’](?=\p{L})/giu, "$1 ");
      let first = chunk.length === 0 && part === sentence.split(/[,;:]/u)[0];
      const matches = [...prepared.matchAll(WORD_RE)].map((m) => m[0]);
      const codes = codeRuns(matches);
      for (const [mi, m] of matches.entries()) {
        const surface = m.replace(/[’]/gu, "'").replace(/\.$/u, "");
        const lower = surface.toLowerCase();
        let kind: Tok["kind"] = "content";
        if (connectors.has(lower)) kind = "connector";
        else if (stop.has(lower) || breaks.has(lower)) kind = "break";
        else if (codes.has(mi) || /^[\p{N}.,\-/%]+$/u.test(surface) || /^\p{N}/u.test(surface) || surface.length === 1 || surface.length > 40) kind = "break";
        else if (language === "en" && breaksEnglish(lower)) kind = "break";
        else if ((language === "fr" || language === "es") && breaksRomance(lower, language)) kind = "break";
        else if (language === "de" && /^\p{Ll}/u.test(surface) && !/(?:e|en|er|es|em|isch|ische|ischen|lich|liche|lichen|ig|ige|igen)$/u.test(lower)) kind = "break";
        chunk.push({ surface, lower, stem: stemWord(lower, language), kind, sentence: sIdx, capital: !first && /^\p{Lu}/u.test(surface) });
        first = false;
      }
      if (language === "en") {
        chunk.forEach((t, i) => {
          const next = chunk[i + 1];
          if (t.kind === "content" && t.lower.endsWith("ing") && next && EN_DETERMINERS.has(next.lower)) t.kind = "break";
        });
      }
      if (chunk.length) chunks.push(chunk);
    }
  });
  return chunks;
}

interface Cand {
  stems: string[];
  words: string[];
  surfaces: Map<string, number>;
  count: number;
  first: number;
  sentences: Set<number>;
}

const MAX_WORDS = 4;

/** Ranked candidate phrases, best first. `title` (a real title, never an id) is read as sentence zero. */
export function rankPhrases(text: string, language: Language, title?: string): Keyphrase[] {
  const source = title ? `${title}.\n\n${text}` : text;
  const chunks = tokenize(source, language);
  const titleSentences = title ? sentencesOf(`${title}.`).length : 0;

  // Word statistics: frequency by stem, and how often a word directly modifies the next content word.
  const tf = new Map<string, number>();
  const followed = new Map<string, number>();
  const preceded = new Map<string, number>();
  for (const chunk of chunks) {
    chunk.forEach((t, i) => {
      if (t.kind !== "content") return;
      if (t.sentence >= titleSentences) tf.set(t.stem, (tf.get(t.stem) ?? 0) + 1);
      if (chunk[i + 1]?.kind === "content") followed.set(t.stem, (followed.get(t.stem) ?? 0) + 1);
      if (chunk[i - 1]?.kind === "content") preceded.set(t.stem, (preceded.get(t.stem) ?? 0) + 1);
    });
  }
  const totalContent = [...tf.values()].reduce((a, b) => a + b, 0) || 1;

  const cands = new Map<string, Cand>();
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i += 1) {
      if (chunk[i].kind !== "content") continue;
      let connectors = 0;
      for (let j = i; j < chunk.length && j - i < MAX_WORDS + 1; j += 1) {
        const t = chunk[j];
        if (t.kind === "break") break;
        if (t.kind === "connector") {
          connectors += 1;
          if (connectors > 1) break;
          continue;
        }
        const span = chunk.slice(i, j + 1);
        const content = span.filter((x) => x.kind === "content");
        if (content.length > MAX_WORDS) break;
        if (language === "de" && !(t.capital || /^\p{Lu}/u.test(t.surface))) continue; // German groups end on a noun
        const key = span.map((x) => x.stem).join(" ");
        let c = cands.get(key);
        if (!c) {
          c = { stems: content.map((x) => x.stem), words: span.map((x) => x.lower), surfaces: new Map(), count: 0, first: t.sentence, sentences: new Set() };
          cands.set(key, c);
        }
        const surface = span.map((x) => x.surface).join(" ").replace(/\b(d|l|qu) /giu, "$1'");
        c.surfaces.set(surface, (c.surfaces.get(surface) ?? 0) + 1);
        c.count += 1;
        c.sentences.add(t.sentence);
      }
    }
  }

  const titleStems = new Set<string>();
  const titleKeys = new Set<string>();
  if (title) {
    for (const chunk of tokenize(`${title}.`, language)) {
      const stems = chunk.filter((t) => t.kind !== "break").map((t) => t.stem);
      for (const t of chunk) if (t.kind === "content") titleStems.add(t.stem);
      titleKeys.add(` ${stems.join(" ")} `);
    }
  }
  const headFirst = language === "fr" || language === "es";
  const out: Keyphrase[] = [];
  for (const [key, c] of cands) {
    const n = c.stems.length;
    let importance = 0;
    let generic = 0;
    for (const s of c.stems) {
      const f = tf.get(s) ?? 0;
      const g = genericStems(language).has(s);
      if (g) generic += 1;
      // Frequency with diminishing returns, relative to the document's length.
      importance += (g ? 0.15 : 1) * (1 + Math.log1p(f)) * (1 + 20 * (f / totalContent));
    }
    importance /= n;
    const bodyCount = [...c.sentences].filter((s) => s >= titleSentences).length > 0 ? c.count : 0;
    let score = importance * (1 + Math.log1p(c.count));
    // Earlier is more central: the first sentences of an abstract state its topic.
    const firstBody = Math.max(0, c.first - titleSentences);
    score *= 1 + 1.2 / (1 + firstBody);
    // In the title: the author's own words for the topic.
    const inTitle = titleKeys.size > 0 && [...titleKeys].some((k) => k.includes(` ${key} `));
    if (inTitle) score *= 2.2;
    else if (titleStems.size) score *= 1 + 0.5 * (c.stems.filter((s) => titleStems.has(s)).length / n);
    // Multi-word groups are what indexers pick; a group seen once is often chance.
    // A group joined by a connector ("recovery of coral reefs", "efectos del salario mínimo") is often a
    // head noun plus its complement; keywords keep the complement unless the head says something.
    if (c.words.some((w) => CONNECTORS[language].has(w))) {
      score *= language === "en" ? 0.5 : 0.8;
      if (genericStems(language).has(c.stems[0])) score *= 0.3;
    }
    // Indexers' keywords are mostly two words, sometimes one or three, rarely four.
    score *= n === 1 ? 1 : n === 2 ? 1.9 : n === 3 ? 1.5 : 0.9;
    if (n > 1 && c.count === 1 && !inTitle) score *= 0.55;
    if (bodyCount === 0 && !inTitle) score *= 0.5;
    // Edges: the head must be a noun that does not mostly modify its neighbour.
    const head = headFirst ? c.stems[0] : c.stems[n - 1];
    const headTf = tf.get(head) ?? 1;
    const modifies = headFirst ? (preceded.get(head) ?? 0) : (followed.get(head) ?? 0);
    if (modifies / headTf > 0.6) score *= n === 1 ? 0.45 : 0.6;
    if (genericStems(language).has(head)) score *= n === 1 ? 0.2 : 0.45;
    if (generic === n) score *= 0.15;
    // A head that reads as a participle ("exploitations viticoles engagées", "riego … controlado") ends a
    // clause more often than a keyword.
    if (n > 1 && PARTICIPLE_END[language]?.test(c.words[c.words.length - 1])) score *= 0.6;
    // A single word that occurs mostly inside a longer group is better tagged by that group.
    if (n === 1 && (followed.get(head) ?? 0) + (preceded.get(head) ?? 0) > 1.5 * headTf) score *= 0.7;
    // Short words and lone adjectives make weak tags.
    if (n === 1 && c.words[0].length <= 3 && !/^\p{Lu}{2,}/u.test([...c.surfaces.keys()][0])) score *= 0.4;
    out.push({ phrase: mostFrequent(c.surfaces), stem: key, score, count: c.count });
  }
  out.sort((a, b) => b.score - a.score || b.count - a.count || a.stem.localeCompare(b.stem));
  return out;
}

function mostFrequent(m: Map<string, number>): string {
  let best = "";
  let bestN = -1;
  for (const [s, n] of m) {
    if (n > bestN || (n === bestN && s.toLowerCase() === s && best.toLowerCase() !== best)) {
      best = s;
      bestN = n;
    }
  }
  return best;
}
