/**
 * What the batch progress screen does with the server's record of a batch (GET /api/history/jobs/:id):
 * the rows to export, and how failed rows are tried again. Pure; unit-tested in
 * test/unit/web/batch/results.test.ts.
 */
import type { BatchStartBody, DocumentSummary, StoredTaggingConfig, TaggingConfig } from "../api/tagging";

export const EXPORT_COLUMNS = ["title", "file_path", "status", "tags", "error"] as const;

/** One record per document, as the CSV and JSON exports write them. */
export function exportRecords(documents: DocumentSummary[]): Array<Record<(typeof EXPORT_COLUMNS)[number], unknown>> {
  return documents.map((d) => ({ title: d.title, file_path: d.file_path, status: d.status, tags: d.tags, error: d.error_message }));
}

/** The defaults of the tag generator's reference, for a job recorded without its options. */
const DEFAULT_CONFIG: TaggingConfig = { num_pages: 3, num_tags: 8 };

export interface RetryPlan {
  config: TaggingConfig;
  /** Uploaded PDFs are stored by the server: each is tagged again in place (POST .../rerun). */
  rerun: DocumentSummary[];
  /** Rows that name an address become a new batch, which fetches them again; null when there are none. */
  batch: BatchStartBody | null;
}

/**
 * The config a retry sends, from the job's stored one: history shows the vocabulary as it was resolved
 * (`{id, name, version}`), a call names it by id; the key is never stored, so a retry runs without it.
 */
export function retryConfig(stored: StoredTaggingConfig | undefined): TaggingConfig {
  if (!stored) return DEFAULT_CONFIG;
  return {
    num_pages: stored.num_pages,
    num_tags: stored.num_tags,
    exclusion_words: stored.exclusion_words,
    language: stored.language,
    ...(stored.model_name ? { model_name: stored.model_name } : {}),
    ...(stored.vocabulary ? { vocabulary: stored.vocabulary.id } : {}),
  };
}

export function retryPlan(documents: DocumentSummary[], stored: StoredTaggingConfig | undefined): RetryPlan {
  const failed = documents.filter((d) => d.status === "failed");
  const cfg = retryConfig(stored);
  const rerun = failed.filter((d) => d.file_source_type === "upload");
  const named = failed.filter((d) => d.file_source_type !== "upload");
  return {
    config: cfg,
    rerun,
    batch: named.length
      ? {
          documents: named.map((d) => ({ title: d.title, file_path: d.file_path ?? "", file_source_type: d.file_source_type ?? "url" })),
          config: cfg,
          column_mapping: { title: "title", file_path: "file_path", file_source_type: "file_source_type" },
        }
      : null,
  };
}
