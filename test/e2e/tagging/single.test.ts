/**
 * POST /api/single/process end to end: a logged-in user, the gateway, storage, the job runtime, an
 * in-process worker running the tagging plugin on real PDFs (text layer and OCR), history.
 */
import { germanPdf, mixedPdf, multiPagePdf, scannedPdf, truncatedPdf, emptyPdf } from "../../support/pdf-fixtures";
import { pdfPool } from "../../../sdk/pdf/pool";
import { api, articlePdf, pdfForm, startTagger, type Json, type Stack } from "./helpers";

describe("single document tagging", () => {
  let stack: Stack;
  let token: string;
  const post = (form: FormData) => api(stack.baseUrl, token, "POST", "/api/single/process", form);

  beforeAll(async () => {
    ({ stack, token } = await startTagger());
  });
  afterAll(async () => {
    await stack?.stop();
    await pdfPool.close();
  });

  it("tags a text PDF with the local engine when no api_key is given, in the reference's response shape", async () => {
    const res = await post(pdfForm(await articlePdf(3), { num_pages: 3, num_tags: 5 }));
    expect(res.status).toBe(200);
    const b: Json = res.body;
    expect(b).toMatchObject({ success: true, error: null, is_scanned: false, extraction_method: "pdfjs_text", ocr_confidence: null, raw_ai_response: null, engine: "local", page_count: 3, language: "en", ocr_pages: [] });
    expect(typeof b.document_title).toBe("string");
    expect(b.tags).toHaveLength(5);
    // The id-like metadata title and the running header and footer are not tags.
    expect(b.document_title).not.toBe("xx-01");
    for (const t of b.tags as string[]) expect(t.toLowerCase()).not.toMatch(/xx-01|journal|\bvol\b|\bpage\b/);
    expect(b.extracted_text_preview.length).toBeGreaterThan(20);
    expect(b.extracted_text_preview.length).toBeLessThanOrEqual(500);
    expect(typeof b.processing_time).toBe("number");
  });

  it("OCRs a page that is only an image of text", async () => {
    const fx = await scannedPdf();
    const res = await post(pdfForm(fx.bytes, { num_tags: 3 }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ is_scanned: true, extraction_method: "tesseract_ocr", ocr_pages: [1] });
    expect(res.body.ocr_confidence).toBeGreaterThan(50);
    // The fixture's scan shows the PII lines; OCR must have read some of their words.
    expect(res.body.extracted_text_preview).toMatch(/[A-Za-z]{4,}/);
    expect(res.body.tags.length).toBeGreaterThanOrEqual(1);
  });

  it("reads the text layer of one page and OCRs only the scanned page of a mixed PDF", async () => {
    const fx = await mixedPdf();
    const res = await post(pdfForm(fx.bytes, { num_pages: 2 }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ extraction_method: "mixed", is_scanned: false, ocr_pages: [2], page_count: 2 });
  });

  it("detects a German document and tags it", async () => {
    const fx = await germanPdf();
    const res = await post(pdfForm(fx.bytes, { num_tags: 3, language: "deu" }));
    expect(res.status).toBe(200);
    expect(res.body.language).toBe("de");
    expect(res.body.document_title).toBe("Rechnung");
    expect(res.body.tags.length).toBeGreaterThanOrEqual(1);
  });

  it("answers 400 for a corrupt PDF and for a PDF without pages", async () => {
    const corrupt = await post(pdfForm((await truncatedPdf()).bytes, {}));
    expect(corrupt.status).toBe(400);
    expect(corrupt.body.detail).toMatch(/PDF/);
    const empty = await post(pdfForm((await emptyPdf()).bytes, {}));
    expect(empty.status).toBe(400);
    expect(typeof empty.body.detail).toBe("string");
  });

  it("answers 400 'Invalid config JSON format' for a config that is not JSON", async () => {
    const res = await post(pdfForm((await multiPagePdf(1)).bytes, "{not json"));
    expect(res).toEqual({ status: 400, body: { detail: "Invalid config JSON format" } });
  });

  it.each([0, 1000])("answers 422 naming num_tags for num_tags %i", async (n) => {
    const res = await post(pdfForm((await multiPagePdf(1)).bytes, { num_tags: n }));
    expect(res.status).toBe(422);
    expect(res.body.detail[0].loc).toEqual(["body", "num_tags"]);
  });

  it("answers 400 when both or neither of pdf_file and pdf_url are given, and for a non-PDF upload", async () => {
    const fx = await multiPagePdf(1);
    expect((await post(pdfForm(fx.bytes, {}, { pdf_url: "https://example.org/a.pdf" }))).status).toBe(400);
    expect((await post(pdfForm(null, {}))).body).toEqual({ detail: "Either pdf_file or pdf_url must be provided" });
    const notPdf = await post(pdfForm(new TextEncoder().encode("hello, not a pdf"), {}, {}, "a.pdf"));
    expect(notPdf.status).toBe(400);
  });

  it("keeps every call in history, re-runs a document with other options, and searches by tag", async () => {
    const first = await post(pdfForm(await articlePdf(2), { num_tags: 4 }));
    expect(first.status).toBe(200);
    const jobs = await api(stack.baseUrl, token, "GET", "/api/history/jobs?limit=100");
    expect(jobs.status).toBe(200);
    const mine = jobs.body.jobs.find((j: Json) => j.id === first.body.job_id);
    expect(mine).toMatchObject({ job_type: "single", status: "completed", total_documents: 1, processed_count: 1, failed_count: 0 });
    const failedOnes = jobs.body.jobs.filter((j: Json) => j.status === "failed");
    expect(failedOnes.length).toBeGreaterThan(0);

    const doc = await api(stack.baseUrl, token, "GET", `/api/history/documents/${first.body.document_id}`);
    expect(doc.body).toMatchObject({ id: first.body.document_id, status: "success", tags: first.body.tags, job_id: first.body.job_id, mime_type: "application/pdf" });
    expect(doc.body.extracted_text.length).toBeGreaterThan(first.body.extracted_text_preview.length - 1);

    const rerun = await api(stack.baseUrl, token, "POST", `/api/history/documents/${first.body.document_id}/rerun`, { config: { num_tags: 6 } });
    expect(rerun.status).toBe(200);
    expect(rerun.body.tags).toHaveLength(6);
    expect(rerun.body.job_id).not.toBe(first.body.job_id);

    const search = await api(stack.baseUrl, token, "GET", `/api/history/documents/search?query=${encodeURIComponent(first.body.tags[0])}`);
    expect(search.status).toBe(200);
    expect(search.body.documents.map((d: Json) => d.id)).toContain(first.body.document_id);

    const stats = await api(stack.baseUrl, token, "GET", "/api/history/stats");
    expect(stats.body.total_jobs).toBe(jobs.body.total + 1);
    expect(stats.body.documents_processed).toBeGreaterThanOrEqual(2);
    expect(stats.body.recent_activity[0].id).toBe(rerun.body.job_id);
  });
});
