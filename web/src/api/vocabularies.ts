/**
 * Controlled vocabularies (`/api/vocabularies`) and learning from tag edits (`PUT /api/history/documents/:id`,
 * `GET /api/history/learned`); docs/tagging.md.
 */
import type {
  ConceptView,
  EditedDocument,
  LearnedTags,
  SuggestionDecision,
  SuggestionList,
  SuggestionView,
  VocabularyList,
  VocabularyPage,
  VocabularySummary,
} from "../../../shared/wire/tagging";
import { get, post, put, request } from "./client";

// The contract is the server's own (shared/wire/tagging.ts): declared once, for both sides.
export type { EditedDocument, LearnedTags, TagEdit, VocabularyPage, VocabularySummary } from "../../../shared/wire/tagging";
export type Concept = ConceptView;
export type Suggestion = SuggestionView;

export const listVocabularies = () => get<VocabularyList>("/api/vocabularies");
export const browseVocabulary = (id: string, q: { q?: string; limit?: number; offset?: number }) => get<VocabularyPage>(`/api/vocabularies/${encodeURIComponent(id)}`, q);
export const deleteVocabulary = (id: string) => request<{ message: string }>("DELETE", `/api/vocabularies/${encodeURIComponent(id)}`);
export const vocabularySuggestions = (id: string) => get<SuggestionList>(`/api/vocabularies/${encodeURIComponent(id)}/suggestions`);
export const decideSuggestion = (id: string, suggestionId: string, body: { action: "accept" | "dismiss"; concept_id?: string; broader?: string }) =>
  post<SuggestionDecision>(`/api/vocabularies/${encodeURIComponent(id)}/suggestions/${encodeURIComponent(suggestionId)}`, body);

/** Uploads a CSV or JSON file as a vocabulary (multipart `file`, `name`, `scope`). */
export function uploadVocabulary(file: File, name: string, scope: "instance" | "tenant"): Promise<VocabularySummary> {
  const form = new FormData();
  form.append("file", file, file.name);
  if (name.trim()) form.append("name", name.trim());
  form.append("scope", scope);
  return request<VocabularySummary>("POST", "/api/vocabularies", { form });
}

export const saveDocumentTags = (docId: string, tags: string[]) => put<EditedDocument>(`/api/history/documents/${encodeURIComponent(docId)}`, { tags });
export const learnedTags = () => get<LearnedTags>("/api/history/learned");
