/**
 * Controlled vocabularies and learning from edits through the whole stack: upload (multipart CSV, JSON),
 * scopes and who sees what, browse, tagging with a named vocabulary (preferred labels first, unmatched
 * candidates as suggestions, the terms in the model's prompt), a user's tag edits stored and shown,
 * tags they add offered to the curator, accepting a suggestion, and a tag users keep removing demoted.
 */
import { startFakeLLM, type FakeLLM } from "../../support/fake-llm";
import { pdfPool } from "../../../sdk/pdf/pool";
import { ADMIN } from "../../integration/auth/helpers";
import { api, articlePdf, login, pdfForm, startTagger, type Json, type Stack } from "./helpers";

const CSV = [
  "prefLabel,altLabels,broader,id",
  "Coral reefs,coral reef|reef,,reefs",
  '"Marine heatwaves","marine heatwave|heatwaves",Climate change,mhw',
  "Climate change,global warming,,cc",
  "Water quality,,,wq",
].join("\r\n");

describe("controlled vocabularies and learning from edits", () => {
  let stack: Stack;
  let token: string;
  let other: string;
  let admin: string;
  let llm: FakeLLM;
  let pdf: Uint8Array;
  let vocabId: string;
  const call = (method: string, path: string, body?: unknown, as = token) => api(stack.baseUrl, as, method, path, body);

  beforeAll(async () => {
    llm = await startFakeLLM({ tags: ["coral reef", "ocean warming", "reef fish"], knownModels: ["openai/gpt-4o-mini"] });
    ({ stack, token } = await startTagger({ services: ["vocabularies"], env: { LLM_BASE_URL: llm.baseURL, LLM_MAX_RETRIES: "0" } }));
    other = (await login(stack.baseUrl, `other${Date.now()}@example.com`)).token;
    const r = await fetch(`${stack.baseUrl}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }) });
    admin = ((await r.json()) as Json).tokens.access_token;
    pdf = await articlePdf(1);
  });
  afterAll(async () => {
    await stack?.stop();
    await pdfPool.close();
    await llm?.stop();
  });

  it("uploads a CSV vocabulary for the caller's tenant and lets the caller browse it", async () => {
    const form = new FormData();
    form.append("file", new Blob([CSV], { type: "text/csv" }), "reef-terms.csv");
    const up = await call("POST", "/api/vocabularies", form);
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ name: "reef-terms", scope: "tenant", concept_count: 4, version: 1 });
    vocabId = up.body.id;
    const list = await call("GET", "/api/vocabularies");
    expect(list.body.vocabularies).toEqual([expect.objectContaining({ id: vocabId, name: "reef-terms", can_edit: true })]);
    const page = await call("GET", `/api/vocabularies/${vocabId}?q=heatwave`);
    expect(page.status).toBe(200);
    expect(page.body.concepts).toEqual([{ id: "mhw", prefLabel: "Marine heatwaves", altLabels: ["marine heatwave", "heatwaves"], broader: "Climate change" }]);
    expect(page.body.concepts_total).toBe(1);
    // Another account sees neither the list entry nor the vocabulary itself.
    expect((await call("GET", "/api/vocabularies", undefined, other)).body.vocabularies).toEqual([]);
    expect((await call("GET", `/api/vocabularies/${vocabId}`, undefined, other)).status).toBe(404);
    expect((await call("DELETE", `/api/vocabularies/${vocabId}`, undefined, other)).status).toBe(404);
  });

  it("refuses a bad file naming where it is wrong, a duplicate name, and an instance upload by a non-admin", async () => {
    const bad = await call("POST", "/api/vocabularies", { name: "broken", format: "csv", content: "prefLabel,broader\nSoil,Nowhere\n" });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain("Broader concept \\\"Nowhere\\\" is not in the vocabulary");
    const noHeader = await call("POST", "/api/vocabularies", { name: "nohead", format: "csv", content: "just,words\n" });
    expect(noHeader.status).toBe(422);
    const dup = await call("POST", "/api/vocabularies", { name: "reef-terms", concepts: [{ prefLabel: "Reefs" }] });
    expect(dup.status).toBe(409);
    const inst = await call("POST", "/api/vocabularies", { name: "everyone", scope: "instance", concepts: [{ prefLabel: "Soil" }] });
    expect(inst.status).toBe(403);
  });

  it("lets an admin publish an instance vocabulary that every account sees but only admins change", async () => {
    const up = await call("POST", "/api/vocabularies", { name: "Library subjects", scope: "instance", concepts: [{ prefLabel: "Fisheries", altLabels: ["fishery"] }] }, admin);
    expect(up.status).toBe(201);
    const seen = (await call("GET", "/api/vocabularies", undefined, other)).body.vocabularies;
    expect(seen).toEqual([expect.objectContaining({ name: "Library subjects", scope: "instance", can_edit: false })]);
    expect((await call("DELETE", `/api/vocabularies/${up.body.id}`, undefined, other)).status).toBe(403);
    expect((await call("GET", `/api/vocabularies/${up.body.id}`, undefined, other)).body.concepts[0].prefLabel).toBe("Fisheries");
  });

  let docId: string;
  let firstTags: string[];
  it("tags with a named vocabulary: preferred labels first, then unmatched strong candidates as suggestions", async () => {
    const unknown = await call("POST", "/api/single/process", pdfForm(pdf, { num_tags: 8, vocabulary: "no-such-list" }));
    expect(unknown.status).toBe(422);
    expect(JSON.stringify(unknown.body)).toContain("vocabulary");

    const res = await call("POST", "/api/single/process", pdfForm(pdf, { num_tags: 8, vocabulary: "reef-terms" }));
    expect(res.status).toBe(200);
    const tags: string[] = res.body.tags;
    expect(res.body.vocabulary).toBe("reef-terms");
    expect(tags.slice(0, 2).sort()).toEqual(["Coral reefs", "Marine heatwaves"]);
    // No tag is a synonym standing in for its concept, and suggestions are tags outside the vocabulary.
    expect(tags).not.toContain("coral reefs");
    expect(res.body.suggested_new_tags.length).toBeGreaterThan(0);
    // Every tag outside the vocabulary is reported to the curator; no suggestion is a vocabulary label.
    const labels = ["Coral reefs", "Marine heatwaves", "Climate change", "Water quality"];
    for (const t of tags.filter((x) => !labels.includes(x))) expect(res.body.suggested_new_tags).toContain(t);
    for (const s of res.body.suggested_new_tags) expect(labels).not.toContain(s);
    docId = res.body.document_id;
    firstTags = tags;
    const sugg = await call("GET", `/api/vocabularies/${vocabId}/suggestions`);
    expect(sugg.status).toBe(200);
    expect(sugg.body.suggestions.map((s: Json) => s.tag).sort()).toEqual([...res.body.suggested_new_tags].sort());
    expect(sugg.body.suggestions.every((s: Json) => s.suggested_count === 1 && s.added_count === 0 && s.documents[0] === docId)).toBe(true);
    // The curator's list is the curator's: another account cannot read it.
    expect((await call("GET", `/api/vocabularies/${vocabId}/suggestions`, undefined, other)).status).toBe(404);
  });

  it("gives the model the vocabulary's terms in its prompt and maps its answer onto them", async () => {
    const res = await call("POST", "/api/single/process", pdfForm(pdf, { api_key: "sk-or-v1-test-0123456789", model_name: "openai/gpt-4o-mini", num_tags: 3, vocabulary: vocabId }));
    expect(res.status).toBe(200);
    const prompt = llm.requests[llm.requests.length - 1]!.prompt;
    expect(prompt).toContain("Prefer these controlled vocabulary terms");
    for (const t of ["Coral reefs", "Marine heatwaves", "Climate change", "Water quality"]) expect(prompt).toContain(JSON.stringify(t));
    expect(res.body.tags[0]).toBe("Coral reefs");
    expect(res.body.suggested_new_tags).toEqual(expect.arrayContaining(["ocean warming"]));
  });

  it("stores a user's tag edit, shows it on the document, and offers the added tag to the curator", async () => {
    const removed = firstTags[firstTags.length - 1]!;
    const next = [...firstTags.slice(0, -1), "reef resilience"];
    const put = await call("PUT", `/api/history/documents/${docId}`, { tags: next });
    expect(put.status).toBe(200);
    expect(put.body.tags).toEqual(next);
    expect(put.body.edit).toMatchObject({ added: ["reef resilience"], removed: [removed], before: firstTags, after: next });
    const doc = await call("GET", `/api/history/documents/${docId}`);
    expect(doc.body.tags).toEqual(next);
    expect(doc.body.tag_edits).toEqual([expect.objectContaining({ added: ["reef resilience"], removed: [removed] })]);
    // Someone else's document cannot be edited, and a bad body is refused.
    expect((await call("PUT", `/api/history/documents/${docId}`, { tags: ["x"] }, other)).status).toBe(404);
    expect((await call("PUT", `/api/history/documents/${docId}`, { tags: "x" })).status).toBe(422);

    const sugg = (await call("GET", `/api/vocabularies/${vocabId}/suggestions`)).body.suggestions as Json[];
    const added = sugg.find((s) => s.tag === "reef resilience");
    expect(added).toMatchObject({ added_count: 1, suggested_count: 0, documents: [docId] });
    expect(sugg[0].tag).toBe("reef resilience");

    const ok = await call("POST", `/api/vocabularies/${vocabId}/suggestions/${added.id}`, { action: "accept", broader: "reefs" });
    expect(ok.status).toBe(200);
    expect(ok.body.vocabulary).toMatchObject({ concept_count: 5, version: 2 });
    const found = await call("GET", `/api/vocabularies/${vocabId}?q=resilience`);
    expect(found.body.concepts).toEqual([{ id: "reef resilience", prefLabel: "reef resilience", altLabels: [], broader: "reefs" }]);
    expect(((await call("GET", `/api/vocabularies/${vocabId}/suggestions`)).body.suggestions as Json[]).some((s) => s.tag === "reef resilience")).toBe(false);
  });

  it("demotes a tag this account keeps removing, behind every other candidate", async () => {
    const tagOnce = async () => (await call("POST", "/api/single/process", pdfForm(pdf, { num_tags: 5 }))).body as Json;
    const first = await tagOnce();
    const victim: string = first.tags[0];
    for (let i = 0; i < 2; i += 1) {
      const r = await tagOnce();
      expect(r.tags[0]).toBe(victim);
      const put = await call("PUT", `/api/history/documents/${r.document_id}`, { tags: r.tags.filter((t: string) => t !== victim) });
      expect(put.status).toBe(200);
    }
    const learned = await call("GET", "/api/history/learned");
    expect(learned.body.tags).toEqual(expect.arrayContaining([{ tag: victim, removed_count: 2, added_count: 0, demoted: true }]));
    const after = await tagOnce();
    expect(after.tags).toHaveLength(5);
    expect(after.tags).not.toContain(victim);
    // Other accounts have not taught docmill anything.
    const theirs = (await call("POST", "/api/single/process", pdfForm(pdf, { num_tags: 5 }), other)).body;
    expect(theirs.tags[0]).toBe(victim);
  });
});
