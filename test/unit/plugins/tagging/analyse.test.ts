/**
 * analyse.prepare picks the text the engines tag. A short form (a blank form's heading and its field
 * labels), a memo's one line under its labels, a label-only page and a one-paragraph note: the tags a user
 * gets name the document's subject, never its field names, and fall back to the labels only when the
 * page has nothing else.
 */
import { prepare } from "../../../../plugins/tagging/analyse";
import { MIN_TEXT_CHARS } from "../../../../plugins/tagging";
import { generateTagsLocal } from "../../../../plugins/tagging/tagger/local";

/** The tags the plugin's local engine gives for a one-page text, as the plugin calls it. */
function tagsOf(page: string, filename: string): { content: string; tags: string[] } {
  const p = prepare({ pageTexts: [page], text: page, infoTitle: undefined, filename, minTextChars: MIN_TEXT_CHARS });
  const r = generateTagsLocal(p.content, { numTags: 5, language: p.language, title: p.titleForTags });
  return { content: p.content, tags: r.tags.map((t) => t.toLowerCase()) };
}

const lines = (...l: string[]) => l.join("\n");

describe("analyse.prepare: the text left after boilerplate removal is tagged whenever it has a content word", () => {
  // [case, page text, a tag the subject gives, the field labels that must not come back as tags]
  const subjectLeft: Array<[string, string, string, RegExp]> = [
    ["en blank form", lines("Leave Request", "Employee name:", "Department:", "First day of leave:", "Last day of leave:", "Signature: ________", "Date: ________"), "leave request", /employee|department|signature|^date$|first day/],
    ["de blank form", lines("Urlaubsantrag", "Vor- und Nachname:", "Abteilung:", "Urlaub von: bis:", "Unterschrift: __________"), "urlaubsantrag", /nachname|abteilung|unterschrift/],
    ["fr blank form", lines("Demande de congé", "Nom :", "Service :", "Date de début :", "Signature : ________"), "congé", /^nom$|service|signature|date/],
    ["es blank form", lines("Alta de socio", "Nombre completo:", "Fecha de nacimiento:", "Correo electrónico:", "Firma: ________"), "socio", /nombre|fecha|nacimiento|correo|firma/],
    ["hi blank form", lines("अवकाश आवेदन", "पूरा नाम:", "विभाग:", "हस्ताक्षर: __________"), "अवकाश आवेदन", /नाम|विभाग|हस्ताक्षर/],
    ["en checkbox form", lines("Parking permit", "☐ Resident ☐ Visitor ☐ Business", "Vehicle registration: ________", "Signature: ________"), "parking permit", /resident|visitor|business|vehicle|signature/],
    ["en memo under its labels", lines("To:", "From:", "Subject:", "Gutters need clearing"), "gutters", /^to$|^from$|subject/],
  ];
  it.each(subjectLeft)("%s: tags name the subject, not the fields", (_case, page, subject, labels) => {
    const { content, tags } = tagsOf(page, "scan_0003.pdf");
    expect(tags).toContain(subject);
    expect(tags.filter((t) => labels.test(t))).toEqual([]);
    expect(content).not.toMatch(/:/u);
  });

  it("a one-paragraph note is tagged from its own words", () => {
    const note = "The boiler service is booked for Friday morning. The engineer will replace the pressure valve and bleed the radiators, so please leave the cellar door unlocked.";
    const { content, tags } = tagsOf(note, "note.pdf");
    expect(content).toBe(note);
    expect(tags).toEqual(expect.arrayContaining(["boiler service", "pressure valve"]));
  });

  // Nothing but labels (or labels and a date): the labels are all the page says, so they are tagged
  // rather than nothing.
  const nothingLeft: Array<[string, string]> = [
    ["label-only page", lines("Full name:", "Date of birth:", "Address:", "Signature: ______")],
    ["labels and a date", lines("Full name:", "Date:", "1990-04-12")],
    ["labels and stop words", lines("Name:", "Address:", "", "of the")],
  ];
  it.each(nothingLeft)("%s: falls back to the whole text", (_case, page) => {
    const { content, tags } = tagsOf(page, "form.pdf");
    expect(content).toBe(page);
    expect(tags.length).toBeGreaterThan(0);
  });
});
