/**
 * The tagging plugin on a real PDF through the real PDF engine (pdfjs in its thread pool): a journal page
 * with a running header, authors, affiliation, e-mail, dates and an id as metadata title.
 */
import { PDFDocument, StandardFonts } from "pdf-lib";
import plugin, { taggingSettings, type TaggingOptions, type TaggingResult, type TaggingSettings } from "../../../../plugins/tagging";
import { pdfPool } from "../../../../sdk/pdf/pool";
import { ResourceError, type PluginResources, type RunContext } from "../../../../sdk/manifest";

const LINES = [
  "Journal of Hydrology · Vol. 41, No. 2, pp. 311–324, 2022",
  "Groundwater depletion in the Indo-Gangetic Plain",
  "from satellite gravimetry and well observations",
  "Asha Verma1, Tomas Lindqvist2",
  "1Department of Hydrology, University of Roorkee, Roorkee, India",
  "* Corresponding author. E-mail address: asha.verma@example.edu",
  "Received 2021-04-02; accepted 2021-11-30",
  "Abstract",
  "Irrigation has turned the aquifers of northern India into some of the most intensively used in the",
  "world. We combined terrestrial water storage anomalies from satellite gravimetry with water levels",
  "from 6,400 monitoring wells to estimate groundwater depletion in the Indo-Gangetic Plain. Groundwater",
  "storage declined by 14 cubic kilometres per year, with the steepest losses in Punjab, where water",
  "tables fell by half a metre per year. Groundwater depletion slowed where paddy transplanting was",
  "delayed until the monsoon. Policy that ties electricity supply for irrigation pumps to water use",
  "could reduce groundwater depletion further.",
  "© 2022 Example Press. All rights reserved. https://doi.org/10.1234/jh.2022.0042",
];

async function journalPage(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.setTitle("xx-01");
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595.28, 841.89]);
  LINES.forEach((line, i) => page.drawText(line.replace("·", "-").replace("–", "-"), { x: 50, y: 790 - i * 16, size: i === 0 ? 8 : 10, font }));
  return Buffer.from(await doc.save());
}

/** A blank form as printed: its heading, then field labels with rules to write on, nothing filled in. */
async function blankForm(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595.28, 841.89]);
  ["Leave Request", "Employee name: ____________________", "Department: ____________________", "First day of leave: __________", "Last day of leave: __________", "Signature: ______________  Date: __________"]
    .forEach((line, i) => page.drawText(line, { x: 50, y: 790 - i * 28, size: i === 0 ? 16 : 11, font }));
  return Buffer.from(await doc.save());
}

const noResources: PluginResources = { get: () => Promise.reject(new Error("no resources here")) };

async function run(options: Partial<TaggingOptions>, resources = noResources, pdf: () => Promise<Buffer> = journalPage): Promise<TaggingResult> {
  const bytes = await pdf();
  const ctx = {
    jobId: "t", owner: "u", attempt: 1, signal: new AbortController().signal,
    options: { num_pages: 3, num_tags: 8, language: "eng", ...options } as TaggingOptions,
    input: { fileId: "f", filename: "xx-01.pdf", contentType: "application/pdf", size: bytes.length, read: async () => bytes, stream: async () => { throw new Error("unused"); } },
    progress: async () => {},
    logger: { info() {}, warn() {}, error() {}, debug() {} },
    pdf: pdfPool,
    settings: taggingSettings(process.env),
    secrets: { open: () => { throw new Error("no sealed values here"); } },
    resources,
  } as unknown as RunContext<TaggingOptions, TaggingSettings>;
  return (await plugin.run(ctx)) as TaggingResult;
}

afterAll(() => pdfPool.close());

describe("tagging plugin (local engine, real PDF)", () => {
  it("ignores the id-like metadata title, takes the printed one, and tags content only", async () => {
    const r = await run({});
    expect(r.document_title).toBe("Groundwater depletion in the Indo-Gangetic Plain from satellite gravimetry and well observations");
    expect(r.tags).toHaveLength(8);
    const lower = r.tags.map((t) => t.toLowerCase());
    expect(lower).toEqual(expect.arrayContaining(["groundwater depletion"]));
    // Nothing from the id, the header, the authors, the affiliation, the contact or the footer.
    for (const t of lower) expect(t).not.toMatch(/xx-01|\bvol\b|journal|verma|lindqvist|roorkee|example|received|rights|doi/);
    // The stored text stays as extracted.
    expect(r.extracted_text).toContain("Journal of Hydrology");
  });

  it("tags a blank form by its heading, not by its field labels", async () => {
    const r = await run({}, noResources, blankForm);
    expect(r.document_title).toBe("Leave Request");
    const lower = r.tags.map((t) => t.toLowerCase());
    expect(lower).toContain("leave request");
    for (const t of lower) expect(t).not.toMatch(/employee|department|signature|^date$|first day|last day/);
    // The stored text stays as extracted, labels included.
    expect(r.extracted_text).toContain("Department:");
  });

  it("maps tags onto a vocabulary: preferred labels first, unmatched strong candidates as suggestions", async () => {
    const r = await run({
      vocabulary: {
        name: "water",
        concepts: [
          { prefLabel: "Aquifer depletion", altLabels: ["groundwater depletion", "groundwater decline"] },
          { prefLabel: "Irrigation" },
          { prefLabel: "Drinking water" },
        ],
      },
    });
    expect(r.vocabulary).toBe("water");
    expect(r.tags[0]).toBe("Aquifer depletion");
    expect(r.tags).not.toContain("Drinking water");
    expect(r.tags.map((t) => t.toLowerCase())).not.toContain("groundwater depletion");
    expect(r.suggested_new_tags!.length).toBeGreaterThan(0);
    for (const s of r.suggested_new_tags!) expect(["aquifer depletion", "irrigation", "drinking water"]).not.toContain(s.toLowerCase());
    const vocabTags = r.tags.filter((t) => ["Aquifer depletion", "Irrigation", "Drinking water"].includes(t));
    expect(r.tags).toEqual([...vocabTags, ...r.suggested_new_tags!].slice(0, 8));
  });

  it("rejects an inconsistent vocabulary with INVALID_VOCABULARY", async () => {
    await expect(run({ vocabulary: { concepts: [{ prefLabel: "Soil", broader: "Earth" }] } })).rejects.toMatchObject({ type: "INVALID_VOCABULARY" });
  });

  it("reads a stored vocabulary by id and version through ctx.resources; a deleted one fails VOCABULARY_NOT_FOUND", async () => {
    const asked: unknown[] = [];
    const stored: PluginResources = {
      async get<T>(kind: string, id: string, version: number) {
        asked.push([kind, id, version]);
        return { id, name: "water", version, concepts: [{ id: "aq", prefLabel: "Aquifer depletion", altLabels: ["groundwater depletion"] }] } as T;
      },
    };
    const r = await run({ vocabulary_ref: { id: "v-1", version: 3 } }, stored);
    expect(asked).toEqual([["tagger.vocabulary", "v-1", 3]]);
    expect(r.vocabulary).toBe("water");
    expect(r.tags[0]).toBe("Aquifer depletion");

    const gone: PluginResources = { get: () => Promise.reject(new ResourceError("RESOURCE_NOT_FOUND", "The vocabulary v-1 was deleted", "deleted")) };
    await expect(run({ vocabulary_ref: { id: "v-1", version: 3 } }, gone)).rejects.toMatchObject({
      type: "VOCABULARY_NOT_FOUND",
      message: "The vocabulary this document was to be tagged with (v-1) was deleted after the request. Tag the document again without it or with another vocabulary.",
    });
    // The host being away is not the vocabulary's fault: the error stays the host's (the job is retried).
    const away: PluginResources = { get: () => Promise.reject(new ResourceError("SERVICE_UNAVAILABLE", "No running service provides tagger.vocabulary resources")) };
    await expect(run({ vocabulary_ref: { id: "v-1", version: 3 } }, away)).rejects.toMatchObject({ type: "SERVICE_UNAVAILABLE" });
  });
});
