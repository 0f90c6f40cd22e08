/**
 * Controlled vocabularies: upload a CSV or JSON file (for yourself, or as an admin for everyone), browse
 * and search a vocabulary's concepts, and, as its curator, go through the suggested tags (tags users added
 * in their edits, and engine candidates no concept matched): accept one as a concept or dismiss it.
 */
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { isAdmin } from "../api/auth";
import {
  browseVocabulary, decideSuggestion, deleteVocabulary, listVocabularies, uploadVocabulary, vocabularySuggestions,
  type Suggestion, type VocabularyPage, type VocabularySummary,
} from "../api/vocabularies";
import { useSession } from "../auth";
import { ACTIONS_HEADING, EmptyRow, Table } from "../components/Table";
import { ErrorText, Field, fieldError, formatDate } from "../components/ui";
import { useScreenTitle } from "../router";

export default function Vocabularies() {
  useScreenTitle("Vocabularies");
  const session = useSession();
  const admin = isAdmin(session.me);
  const [list, setList] = useState<VocabularySummary[]>([]);
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const [scope, setScope] = useState<"tenant" | "instance">("tenant");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState("");
  const [open, setOpen] = useState<VocabularyPage | null>(null);
  const [q, setQ] = useState("");
  const [suggestions, setSuggestions] = useState<Suggestion[] | null>(null);

  const load = useCallback(() => listVocabularies().then((r) => setList(r.vocabularies), setError), []);
  useEffect(() => void load(), [load]);

  async function openVocab(id: string, query = "") {
    try {
      const page = await browseVocabulary(id, { q: query || undefined, limit: 200 });
      setOpen(page);
      setSuggestions(page.can_edit ? (await vocabularySuggestions(id)).suggestions : null);
    } catch (err) {
      setError(err);
    }
  }

  async function upload(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const v = await uploadVocabulary(file, name, scope);
      setNotice(`Uploaded "${v.name}" with ${v.concept_count} concepts.`);
      setName("");
      await load();
      await openVocab(v.id);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function decide(s: Suggestion, action: "accept" | "dismiss") {
    if (!open) return;
    try {
      const r = await decideSuggestion(open.id, s.id, { action });
      setNotice(r.message);
      await load();
      await openVocab(open.id, q);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section>
      <h1 tabIndex={-1}>Vocabularies</h1>
      <p className="muted">
        A controlled vocabulary maps the tagger's candidates onto your preferred terms (synonyms and word forms count). Choose one on the single and batch screens.
      </p>
      {notice && (
        <p role="status" className="muted">
          {notice}
        </p>
      )}
      <ErrorText error={error} />
      <div className="grid2">
        <div>
          <form className="panel" onSubmit={upload} aria-label="Upload a vocabulary">
            <h2>Upload</h2>
            <Field label="CSV or JSON file" hint="CSV columns: prefLabel, altLabels (separated by |), broader, id." error={fieldError(error, "file", "content")}>
              {(p) => <input {...p} type="file" accept=".csv,.json,text/csv,application/json" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />}
            </Field>
            <Field label="Name" hint="Empty: the file name." error={fieldError(error, "name")}>
              {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
            </Field>
            {admin && (
              <div className="actions" role="radiogroup" aria-label="Who can use it">
                <label>
                  <input type="radio" name="scope" checked={scope === "tenant"} onChange={() => setScope("tenant")} /> Only me
                </label>
                <label>
                  <input type="radio" name="scope" checked={scope === "instance"} onChange={() => setScope("instance")} /> Everyone on this server
                </label>
              </div>
            )}
            <button type="submit" disabled={!file || busy}>
              {busy ? "Uploading…" : "Upload"}
            </button>
          </form>
          <Table columns={["Name", "Who", "Concepts", "Updated", ACTIONS_HEADING]}>
            {list.map((v) => (
              <tr key={v.id}>
                <td>
                  <button type="button" className="link" onClick={() => void openVocab(v.id)}>
                    {v.name}
                  </button>
                </td>
                <td>{v.scope === "instance" ? "everyone" : "you"}</td>
                <td>{v.concept_count}</td>
                <td>{formatDate(v.updated_at)}</td>
                <td>
                  {v.can_edit && (
                    <button
                      type="button"
                      className="danger small"
                      aria-label={`Delete vocabulary ${v.name}`}
                      onClick={() =>
                        void deleteVocabulary(v.id).then(() => {
                          if (open?.id === v.id) setOpen(null);
                          return load();
                        }, setError)
                      }
                    >
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {list.length === 0 && <EmptyRow colSpan={5}>No vocabularies yet.</EmptyRow>}
          </Table>
        </div>
        <div className="panel" aria-live="polite" aria-label="Vocabulary">
          {!open && <p className="muted">Choose a vocabulary to browse it.</p>}
          {open && (
            <>
              <h2>{open.name}</h2>
              <form
                className="actions"
                role="search"
                onSubmit={(e) => {
                  e.preventDefault();
                  void openVocab(open.id, q);
                }}
              >
                <label htmlFor="vq" className="sr-only">
                  Search concepts
                </label>
                <input id="vq" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Search labels" />
                <button type="submit">Search</button>
              </form>
              <p className="muted">
                {open.concepts_total} of {open.concept_count} concepts{open.concepts_total > open.concepts.length ? `, first ${open.concepts.length} shown` : ""}
              </p>
              <Table columns={["Preferred label", "Synonyms", "Broader"]}>
                {open.concepts.map((c) => (
                  <tr key={c.id}>
                    <td>{c.prefLabel}</td>
                    <td>{c.altLabels.join(", ")}</td>
                    <td>{c.broader ?? ""}</td>
                  </tr>
                ))}
                {open.concepts.length === 0 && <EmptyRow colSpan={3}>No concept matches.</EmptyRow>}
              </Table>
              {suggestions && (
                <>
                  <h3>Suggested tags</h3>
                  <Table columns={["Tag", "Added by users", "Found by the tagger", ACTIONS_HEADING]}>
                    {suggestions.map((s) => (
                      <tr key={s.id}>
                        <td>{s.tag}</td>
                        <td>{s.added_count}</td>
                        <td>{s.suggested_count}</td>
                        <td>
                          <button type="button" className="small" aria-label={`Accept ${s.tag}`} onClick={() => void decide(s, "accept")}>
                            Accept
                          </button>{" "}
                          <button type="button" className="secondary small" aria-label={`Dismiss ${s.tag}`} onClick={() => void decide(s, "dismiss")}>
                            Dismiss
                          </button>
                        </td>
                      </tr>
                    ))}
                    {suggestions.length === 0 && <EmptyRow colSpan={4}>Nothing to review.</EmptyRow>}
                  </Table>
                </>
              )}
            </>
          )}
        </div>
      </div>
    </section>
  );
}
