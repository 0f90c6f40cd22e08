/**
 * Controlled vocabularies (`/api/vocabularies`) and learning from tag edits (`PUT /api/history/documents/:id`,
 * `GET /api/history/learned`); docs/tagging.md.
 */
import type { DocumentDetail, VocabularySummary } from "../../../shared/wire/tagging";
import { get, post, put, request } from "./client";

// The summary is the server's own (shared/wire/tagging.ts): declared once, for both sides.
export type { VocabularySummary } from "../../../shared/wire/tagging";

export interface Concept {
  id: string;
  prefLabel: string;
  altLabels: string[];
  broader: string | null;
}

export type VocabularyPage = VocabularySummary & { concepts: Concept[]; concepts_total: number; limit: number; offset: number };

export interface Suggestion {
  id: string;
  tag: string;
  added_count: number;
  suggested_count: number;
  documents: string[];
  first_at: string;
  last_at: string;
}

export interface TagEdit {
  id: string;
  at: string;
  before: string[];
  after: string[];
  added: string[];
  removed: string[];
}

export const listVocabularies = () => get<{ vocabularies: VocabularySummary[]; total: number }>("/api/vocabularies");
export const browseVocabulary = (id: string, q: { q?: string; limit?: number; offset?: number }) => get<VocabularyPage>(`/api/vocabularies/${encodeURIComponent(id)}`, q);
export const deleteVocabulary = (id: string) => request<{ message: string }>("DELETE", `/api/vocabularies/${encodeURIComponent(id)}`);
export const vocabularySuggestions = (id: string) => get<{ vocabulary_id: string; suggestions: Suggestion[] }>(`/api/vocabularies/${encodeURIComponent(id)}/suggestions`);
export const decideSuggestion = (id: string, suggestionId: string, body: { action: "accept" | "dismiss"; concept_id?: string; broader?: string }) =>
  post<{ message: string; vocabulary: VocabularySummary }>(`/api/vocabularies/${encodeURIComponent(id)}/suggestions/${encodeURIComponent(suggestionId)}`, body);

/** Uploads a CSV or JSON file as a vocabulary (multipart `file`, `name`, `scope`). */
export function uploadVocabulary(file: File, name: string, scope: "instance" | "tenant"): Promise<VocabularySummary> {
  const form = new FormData();
  form.append("file", file, file.name);
  if (name.trim()) form.append("name", name.trim());
  form.append("scope", scope);
  return request<VocabularySummary>("POST", "/api/vocabularies", { form });
}

export type EditedDocument = DocumentDetail & { edit: TagEdit | null; tag_edits: TagEdit[] };
export const saveDocumentTags = (docId: string, tags: string[]) => put<EditedDocument>(`/api/history/documents/${encodeURIComponent(docId)}`, { tags });
export const learnedTags = () => get<{ demote_after: number; tags: Array<{ tag: string; removed_count: number; added_count: number; demoted: boolean }> }>("/api/history/learned");
