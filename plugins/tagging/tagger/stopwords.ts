/**
 * Stop-word sets for the languages the tagger supports.
 *
 * The base lists come from the `stopword` package. Its lists are short for keyphrase work (English has
 * about 100 words, Spanish about 60), so each language gets a supplement of function words plus the
 * generic verbs and adjectives ("provide", "ensure", "new") that make bad tag edges. The supplement is
 * data, not logic: it only widens what counts as a stop word.
 */

export type Language = "en" | "de" | "fr" | "es" | "hi";
export const LANGUAGES: readonly Language[] = ["en", "de", "fr", "es", "hi"];

interface StopwordModule {
  eng: string[];
  deu: string[];
  fra: string[];
  spa: string[];
  hin: string[];
}

// `stopword` ships no type declarations; a typed require keeps the ambient namespace untouched for other
// modules of the project (an ambient `declare module` here would clash with anyone else's).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sw = require("stopword") as StopwordModule;

const EXTRA: Record<Language, string> = {
  en: `a about above across after afterwards again against all almost alone along already also although always am
    among amongst an and another any anyhow anyone anything anyway anywhere are around as at back be became because
    become becomes becoming been before beforehand behind being below beside besides between beyond both but by can
    cannot could did do does doing done down due during each either else elsewhere enough etc even ever every everyone
    everything everywhere except few for former formerly from further had has have having he hence her here hereby
    herein hers herself him himself his how however i ie eg if in indeed into is it its itself just last latter least
    less let may me meanwhile might mine more moreover most mostly much must my myself namely neither never
    nevertheless next no nobody none noone nor not nothing now nowhere of off often on once one only onto or other
    others otherwise our ours ourselves out over own per perhaps please rather re same several she should since so
    some somehow someone something sometime sometimes somewhere still such than that the their theirs them themselves
    then thence there thereafter thereby therefore therein thereupon these they this those though through throughout
    thus to together too toward towards under until up upon us very via was we well were what whatever when whence
    whenever where whereas whereby wherein whether which while who whoever whole whom whose why will with within
    without would yet you your yours yourself yourselves shall need needs needed use used uses using make makes made
    making provide provides provided providing ensure ensures ensured ensuring include includes included including
    based new many various different important key main major way ways example examples able like given give gives
    two three four five six seven eight nine ten first second third paper approach show shows showed shown propose
    proposes proposed present presents presented describe describes described discuss discusses discussed find finds
    found take takes taken took become allow allows allowed enable enables enabled help helps support supports aim aims
    set sets better best good high higher low lower large larger small smaller increase increased increasing
    significant significantly particular particularly specific current currently recent recently overall within
    whilst across likely possible around related relevant certain clear clearly always every available
    continue continues continued remain remains require requires required according apply applies applied
    start starts started avoid avoids review reviews build builds built run runs ship ships combine combines
    indicate indicates suggest suggests suggesting measure measured record recorded report reported rose rise
    rises reduce reduces reducing reduced limit limits deliver delivers commits follow follows carry carried`,
  de: `ab aber alle allem allen aller alles als also am an andere anderen anderer anderes auch auf aus bei beim bereits
    bin bis bisher bzw da dabei dadurch daher damit dann darauf darin darum das dass dem den denen denn der deren des
    deshalb dessen die dies diese diesem diesen dieser dieses doch dort du durch ein eine einem einen einer eines
    einige einigen einzelnen er es etwa euch für gab gegen gibt geht gilt gelten ganz habe haben hat hatte hatten hier
    ich ihm ihn ihnen ihr ihre ihrem ihren ihrer im immer in insbesondere ist jedoch jetzt kann kein keine können
    künftig machen macht mehr mit muss müssen nach neben neu neue neuen neuer neues nicht noch nur ob oder ohne pro
    rund schon sehr sei seien sein seine seinem seinen seiner seit sich sie sind so soll sollen sollte sollten sowie
    sowohl steht stehen über um und uns unter viel viele vielen vom von vor war waren was weil weitere weiteren
    weiterer welche welchen wenn werden wichtig wichtige wichtigen wie wir wird wo wurde wurden z zu zum zur zwischen
    sowie beispielsweise ebenfalls jeweils dafür dazu hierzu hierbei hierfür deutlich möglich möglichst gemeinsam
    gemeinsamen stark stärker besonders zudem zwar kaum bietet bieten ermöglicht ermöglichen erhalten gestellt
    beantragen beschleunigen verarbeitet vorgelegt vorlegen sichern stärken gestärkt berät verfügbar vollständig
    künftig grundlage zentrales zentrale zentralen element außerdem dürfen darf einmal`,
  fr: `a à afin ai ainsi alors après au aucun aussi autre autres aux avant avec avoir bien c car ce cela celle celles
    celui cependant ces cet cette ceux chaque comme comment d dans de depuis des dès doit doivent déjà donc dont du
    elle elles en encore entre est et été étaient était être eux fait faire font grâce il ils j je l la le les leur
    leurs lors lorsque lui m ma mais me même mes moi moins mon n ne ni non nos notre notamment nous nouveau nouveaux
    nouvelle nouvelles on ont ou où par pas peut peuvent plus plusieurs pour pourrait puis qu quand que quel quelle
    quelles quels quelque quelques qui s sa sans se sein selon sera seront ses si sien son sont sous sur surtout t ta
    tant te tel telle telles tels tes toi ton tous tout toute toutes très trop tu un une vers via vos votre vous y
    également permet permettent permettre mieux ensemble chez celui-ci celle-ci afin réduire augmenter
    développer exiger exige demander demande viser vise fixer fixe financer financent consommer consomment
    constituer constitue compléter complètent progresser progressent parvenir enfin beaucoup fortement
    vite autre`,
  es: `a al algo algunas algunos ante antes aquel aquella aquellas aquellos aquí así aun aunque bajo bien cada casi
    como con contra cual cuales cualquier cuando cuyo cuya de del desde donde dos durante e el él ella ellas ellos en
    entre era eran es esa esas ese eso esos esta estas este esto estos está están fue fueron ha han hace hacen hacer
    hacia hasta hay la las le les lo los mas más me mediante menos mi mientras mis mismo misma mucho muchos muy nada
    ni no nos nosotros nuestra nuestro nuestros nuestras o otra otras otro otros para pero poco por porque puede
    pueden que qué quien quienes se sea sean según ser si sí sido siempre sin sino sobre solo sólo son su sus también
    tan tanto te tiene tienen todo todos toda todas tras tu tus u un una unas uno unos y ya nuevo nueva nuevos nuevas
    debe deben además será serán dicho dicha permite permiten mejor mejores cada vez reducir reducido
    garantizar permitirá permitir establecer establece promover promueve controlar deberán adaptarse
    vigilarán vigilar sancionarán aumentar mejorar hará hacer sean ciento`,
  // Hindi: postpositions, auxiliaries and light verbs that `stopword`'s list leaves out; they end noun
  // groups ("सौर सिंचाई पंपों का प्रसार" -> "सौर सिंचाई पंपों", "प्रसार").
  hi: `का के की को में से पर ने भी तक और या एवं तथा है हैं था थी थे हो होता होती होते होने हुआ हुई हुए गया गई गए
    किया किए की करने करते करता करती कर रहा रही रहे रहीं जा जाता जाती जाते जाने दिया दी दिए देने लिए लिया साथ बाद
    पहले द्वारा बीच अंदर बाहर ऊपर नीचे यह वह ये वे इस उस इन उन इसे उसे जो जिस जिन जिनमें जिसमें कि क्योंकि परंतु
    लेकिन किंतु जबकि यदि तो भी ही न नहीं कोई कुछ सभी सब हर एक दो तीन चार पाँच छह सात आठ नौ दस सौ अधिक कम बहुत
    सबसे बड़ा बड़ी बड़े छोटा बीच दौरान वाले वाली वाला वालों अपने अपनी अपना उनके उनकी उनका इसके इसकी इसका हमने हम
    मिला मिली मिले बढ़ा बढ़ी बढ़े घटा घटी घटे आई आया आए दिखा दिखी बताते बताता बनी बना बने लगा लगी लगे सकता सकती
    सकते चाहिए प्रतिशत औसतन लगभग केवल विशेषकर जैसे तरह प्रकार रूप ओर तरफ़ तरफ बार वर्ष जबकि अब तब जब यहाँ वहाँ`,

};

const BASE: Record<Language, string[]> = { en: sw.eng, de: sw.deu, fr: sw.fra, es: sw.spa, hi: sw.hin };

function buildSet(language: Language): ReadonlySet<string> {
  const words = [...BASE[language], ...EXTRA[language].split(/\s+/)];
  return new Set(words.map((w) => w.trim().normalize("NFC").toLowerCase()).filter((w) => w.length > 0));
}

const SETS: Record<Language, ReadonlySet<string>> = {
  en: buildSet("en"),
  de: buildSet("de"),
  fr: buildSet("fr"),
  es: buildSet("es"),
  hi: buildSet("hi"),
};

/** The stop-word set of a language (lower case, NFC). */
export function stopwordsFor(language: Language): ReadonlySet<string> {
  return SETS[language];
}

/**
 * Short lists of the most frequent function words of each language, for language detection. The full
 * stop-word sets differ a lot in size (German has 600+ words, Spanish far fewer), which would bias a
 * ratio towards the bigger list; frequent words of similar count keep the comparison fair.
 */
export function detectionStopwords(language: Language): ReadonlySet<string> {
  return DETECTION[language];
}

const DETECTION: Record<Language, ReadonlySet<string>> = {
  en: new Set(`the of and to in is that for it as with was on be by are this which or from at an have has not
    but were they their its been will would can there these also such than other into more our we all may`.split(/\s+/)),
  de: new Set(`der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es an werden
    aus er hat dass sie nach wird bei einer um am sind noch wie einem über einen so zum war haben nur oder zur`.split(/\s+/)),
  fr: new Set(`le la les de des du et à en un une est que qui dans pour pas sur au aux par plus ce cette ces il
    elle sont avec ou son sa ses leur leurs nous vous été être ont mais comme aussi dont où`.split(/\s+/)),
  es: new Set(`el la los las de del y en que un una es por con para se al lo como más pero sus su le ya o este
    esta estos son fue ha han entre sobre también muy sin hasta desde cuando donde porque`.split(/\s+/)),
  hi: new Set(`का के की को में से पर ने और है हैं था थी थे यह वह इस उस एक भी तक किया लिए कि जो`.split(/\s+/)),
};
