/**
 * Tag one document: upload or URL, the API's options (model and key optional, pages, number of tags,
 * exclusion words or file), then the tags (copy, edit, re-run), the extraction method, OCR'd pages and a
 * preview of the text.
 */
import { useState, type FormEvent } from "react";
import { processSingle, rerunDocument, type SingleResult, type TaggingConfig } from "../api/tagging";
import { saveDocumentTags } from "../api/vocabularies";
import { CopyButton, ErrorText, Field, fieldError } from "../components/ui";
import { VocabularySelect } from "../components/VocabularySelect";
import { useScreenTitle } from "../router";

export default function TagSingle() {
  useScreenTitle("Tag a document");
  const [source, setSource] = useState<"file" | "url">("file");
  const [file, setFile] = useState<File | null>(null);
  const [url, setUrl] = useState("");
  const [model, setModel] = useState("");
  const [apiKey, setApiKey] = useState("");
  const [numPages, setNumPages] = useState(3);
  const [numTags, setNumTags] = useState(8);
  const [exclusions, setExclusions] = useState("");
  const [exclusionFile, setExclusionFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<SingleResult | null>(null);
  const [tags, setTags] = useState<string[]>([]);
  const [newTag, setNewTag] = useState("");
  const [vocabulary, setVocabulary] = useState("");
  const [saved, setSaved] = useState<string | null>(null);
  /** The history document of the last result, while the chosen file or address is unchanged: re-runs tag it in place. */
  const [storedDoc, setStoredDoc] = useState<string | null>(null);

  async function run(e?: FormEvent) {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const words = exclusions
        .split(/[,\n]/)
        .map((w) => w.trim())
        .filter(Boolean);
      const config: TaggingConfig = { model_name: model.trim() || undefined, api_key: apiKey.trim() || undefined, num_pages: numPages, num_tags: numTags, exclusion_words: words.length ? words : null, vocabulary: vocabulary || undefined };
      // The exclusion file is read by /single/process only, so a re-run with one goes through it again.
      const r =
        storedDoc && !exclusionFile
          ? await rerunDocument(storedDoc, config)
          : await processSingle({ file: source === "file" ? file : null, url: source === "url" ? url.trim() : undefined, exclusionFile, config });
      setResult(r);
      setStoredDoc(r.document_id ?? null);
      setTags(r.tags ?? []);
      setSaved(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const ready = source === "file" ? !!file : /^https?:\/\//i.test(url.trim());
  const ocrPages = result?.ocr_pages;

  return (
    <section>
      <h1 tabIndex={-1}>Tag a document</h1>
      <div className="grid2">
        <form className="panel" onSubmit={run} aria-label="Document and options">
          <fieldset>
            <legend>Document</legend>
            <div className="actions" role="radiogroup" aria-label="Source">
              <label>
                <input type="radio" name="src" checked={source === "file"} onChange={() => setSource("file")} /> Upload a PDF
              </label>
              <label>
                <input type="radio" name="src" checked={source === "url"} onChange={() => setSource("url")} /> From a URL
              </label>
            </div>
            {source === "file" ? (
              <Field label="PDF file" error={fieldError(error, "pdf_file")}>
                {(p) => (
                  <input
                    {...p}
                    type="file"
                    accept="application/pdf,.pdf"
                    onChange={(e) => {
                      setFile(e.target.files?.[0] ?? null);
                      setStoredDoc(null);
                    }}
                  />
                )}
              </Field>
            ) : (
              <Field label="PDF address" hint="http:// or https://" error={fieldError(error, "pdf_url")}>
                {(p) => (
                  <input
                    {...p}
                    type="url"
                    value={url}
                    onChange={(e) => {
                      setUrl(e.target.value);
                      setStoredDoc(null);
                    }}
                    placeholder="https://example.org/report.pdf"
                  />
                )}
              </Field>
            )}
          </fieldset>
          <fieldset>
            <legend>Options</legend>
            <div className="row">
              <Field label="Pages to read" error={fieldError(error, "num_pages")}>
                {(p) => <input {...p} type="number" min={1} max={10} value={numPages} onChange={(e) => setNumPages(Number(e.target.value))} />}
              </Field>
              <Field label="Number of tags" error={fieldError(error, "num_tags")}>
                {(p) => <input {...p} type="number" min={3} max={15} value={numTags} onChange={(e) => setNumTags(Number(e.target.value))} />}
              </Field>
            </div>
            <div className="row">
              <Field label="Model (optional)" hint="Empty: the server's default tagger.">
                {(p) => <input {...p} value={model} onChange={(e) => setModel(e.target.value)} placeholder="openai/gpt-4o-mini" />}
              </Field>
              <Field label="Model API key (optional)" hint="Sent with this request only; never stored here.">
                {(p) => <input {...p} type="password" autoComplete="off" value={apiKey} onChange={(e) => setApiKey(e.target.value)} />}
              </Field>
            </div>
            <VocabularySelect id="vocabulary" value={vocabulary} onChange={setVocabulary} error={fieldError(error, "vocabulary")} />
            <Field label="Exclusion words" hint="Comma or line separated; tags containing them are replaced.">
              {(p) => <textarea {...p} value={exclusions} onChange={(e) => setExclusions(e.target.value)} />}
            </Field>
            <Field label="Exclusion file (optional, .txt or .pdf)" error={fieldError(error, "exclusion_file")}>
              {(p) => <input {...p} type="file" accept=".txt,.pdf,text/plain,application/pdf" onChange={(e) => setExclusionFile(e.target.files?.[0] ?? null)} />}
            </Field>
          </fieldset>
          <ErrorText error={error} />
          <button type="submit" disabled={!ready || busy}>
            {busy ? "Tagging…" : storedDoc ? "Re-run" : "Generate tags"}
          </button>
          {busy && (
            <p role="status" className="muted">
              Reading the document{source === "url" ? " from its address" : ""}; scanned pages go through OCR, which can take a while.
            </p>
          )}
        </form>

        <div className="panel" aria-live="polite" aria-label="Result">
          <h2>Result</h2>
          {!result && <p className="muted">Tags appear here.</p>}
          {result && (
            <>
              <h3 data-testid="doc-title">{result.document_title}</h3>
              <ul className="tags" data-testid="tags" data-document-id={result.document_id} aria-label="Tags">
                {tags.map((t, i) => (
                  <li key={`${t}-${i}`} className="tag">
                    {t}{" "}
                    <button type="button" className="link" aria-label={`Remove tag ${t}`} onClick={() => setTags(tags.filter((_, j) => j !== i))}>
                      ×
                    </button>
                  </li>
                ))}
              </ul>
              <form
                className="actions"
                onSubmit={(e) => {
                  e.preventDefault();
                  const t = newTag.trim().toLowerCase();
                  if (t && !tags.includes(t)) setTags([...tags, t]);
                  setNewTag("");
                }}
              >
                <label htmlFor="new-tag" className="sr-only">
                  Add a tag
                </label>
                <input id="new-tag" value={newTag} onChange={(e) => setNewTag(e.target.value)} placeholder="add a tag" />
                <button type="submit" className="secondary">
                  Add
                </button>
                <CopyButton text={tags.join(", ")} label="Copy tags" />
                {result.document_id && (
                  <button
                    type="button"
                    className="secondary"
                    onClick={() =>
                      void saveDocumentTags(result.document_id!, tags).then(
                        (d) => setSaved(d.edit ? `Saved: ${d.edit.added.length} added, ${d.edit.removed.length} removed.` : "Saved: no change."),
                        setError,
                      )
                    }
                  >
                    Save tags
                  </button>
                )}
              </form>
              {saved && (
                <p role="status" className="muted">
                  {saved} Tags you keep removing are ranked lower next time.
                </p>
              )}
              {result.suggested_new_tags && result.suggested_new_tags.length > 0 && (
                <p className="muted" data-testid="suggested">
                  Not in {result.vocabulary ?? "the vocabulary"}, suggested to its curator: {result.suggested_new_tags.join(", ")}
                </p>
              )}
              <dl className="facts">
                <dt>Extraction</dt>
                <dd data-testid="extraction-method">
                  {result.extraction_method}
                  {result.is_scanned ? " (scanned document)" : ""}
                </dd>
                {result.ocr_confidence != null && (
                  <>
                    <dt>OCR confidence</dt>
                    <dd>{Math.round(result.ocr_confidence)} %</dd>
                  </>
                )}
                {ocrPages && ocrPages.length > 0 && (
                  <>
                    <dt>OCR'd pages</dt>
                    <dd>{ocrPages.join(", ")}</dd>
                  </>
                )}
                {result.pages_read != null && (
                  <>
                    <dt>Pages read</dt>
                    <dd>
                      {result.pages_read}
                      {result.page_count != null ? ` of ${result.page_count}` : ""}
                    </dd>
                  </>
                )}
                {result.engine && (
                  <>
                    <dt>Tagger</dt>
                    <dd>{result.engine === "llm" ? `model ${result.model_name ?? ""}` : "built-in keyphrase engine (no model key)"}</dd>
                  </>
                )}
                <dt>Time</dt>
                <dd>{result.processing_time} s</dd>
              </dl>
              <h3>Text preview</h3>
              <div className="preview" tabIndex={0} aria-label="Extracted text preview">
                {result.extracted_text_preview}
              </div>
            </>
          )}
        </div>
      </div>
    </section>
  );
}
