import { exportRecords, retryPlan } from "../../../../web/src/batch/results";
import type { DocumentSummary, StoredTaggingConfig } from "../../../../web/src/api/tagging";

const doc = (id: string, status: DocumentSummary["status"], source: DocumentSummary["file_source_type"], file_path: string | null = `https://x.example/${id}.pdf`): DocumentSummary => ({
  id,
  title: `Doc ${id}`,
  file_path,
  file_source_type: source,
  status,
  tags: status === "success" ? ["a", "b"] : [],
  error_message: status === "failed" ? "fetch failed" : null,
  processed_at: null,
  created_at: "2026-12-01T10:00:00.000Z",
});

describe("batch results", () => {
  it("exports one record per recorded document with its tags and error", () => {
    expect(exportRecords([doc("1", "success", "url"), doc("2", "failed", "upload", "2.pdf")])).toEqual([
      { title: "Doc 1", file_path: "https://x.example/1.pdf", status: "success", tags: ["a", "b"], error: null },
      { title: "Doc 2", file_path: "2.pdf", status: "failed", tags: [], error: "fetch failed" },
    ]);
  });

  it("retries failed uploads in place and failed addresses as one new batch; successes are left alone", () => {
    // The job's config as history shows it (GET /api/history/jobs/:id): the vocabulary resolved, no key.
    const stored: StoredTaggingConfig = { model_name: null, num_pages: 2, num_tags: 6, exclusion_words: ["draft"], language: "deu", engine: "local", vocabulary: { id: "v1", name: "Finance", version: 3 } };
    const plan = retryPlan([doc("1", "success", "url"), doc("2", "failed", "upload"), doc("3", "failed", "url"), doc("4", "failed", "s3", null), doc("5", "failed", null)], stored);
    // What a call sends: the vocabulary by id (the server refuses an object there with 422), no engine.
    const config = { num_pages: 2, num_tags: 6, exclusion_words: ["draft"], language: "deu", vocabulary: "v1" };
    expect(plan.config).toEqual(config);
    expect(plan.rerun.map((d) => d.id)).toEqual(["2"]);
    expect(plan.batch).toEqual({
      documents: [
        { title: "Doc 3", file_path: "https://x.example/3.pdf", file_source_type: "url" },
        { title: "Doc 4", file_path: "", file_source_type: "s3" },
        { title: "Doc 5", file_path: "https://x.example/5.pdf", file_source_type: "url" },
      ],
      config,
      column_mapping: { title: "title", file_path: "file_path", file_source_type: "file_source_type" },
    });
  });

  it("keeps the model a job named (its key was never stored)", () => {
    const stored: StoredTaggingConfig = { model_name: "openai/gpt-4o-mini", num_pages: 3, num_tags: 8, exclusion_words: [], language: "eng", engine: "llm", vocabulary: null };
    expect(retryPlan([], stored).config).toEqual({ num_pages: 3, num_tags: 8, exclusion_words: [], language: "eng", model_name: "openai/gpt-4o-mini" });
  });

  it("has no new batch when only uploads failed, and falls back to the reference's defaults without a recorded config", () => {
    const plan = retryPlan([doc("2", "failed", "upload")], undefined);
    expect(plan).toEqual({ config: { num_pages: 3, num_tags: 8 }, rerun: [doc("2", "failed", "upload")], batch: null });
  });
});
