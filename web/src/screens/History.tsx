/** Tagging history: jobs, documents, search by title or tag, statistics; a document opens its text and tags. */
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { deleteHistoryJob, historyDocument, historyDocuments, historyJobs, historyStats, searchDocuments, type DocumentDetail, type DocumentSummary, type JobSummary, type Stats } from "../api/tagging";
import { learnedTags, type TagEdit } from "../api/vocabularies";
import { EmptyRow } from "../components/Table";
import { TagEditor } from "../components/TagEditor";
import { JobsTable, StatsCards } from "../components/tagging";
import { ErrorText, StatusBadge, formatDate } from "../components/ui";
import { useScreenTitle } from "../router";

const PAGE = 20;

export default function History() {
  useScreenTitle("History");
  const [tab, setTab] = useState<"jobs" | "documents">("documents");
  const [jobs, setJobs] = useState<JobSummary[]>([]);
  const [jobTotal, setJobTotal] = useState(0);
  const [offset, setOffset] = useState(0);
  const [docs, setDocs] = useState<DocumentSummary[]>([]);
  const [query, setQuery] = useState("");
  const [stats, setStats] = useState<Stats | null>(null);
  const [open, setOpen] = useState<(DocumentDetail & { tag_edits?: TagEdit[] }) | null>(null);
  const [demoted, setDemoted] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);

  const loadJobs = useCallback(async (off: number) => {
    try {
      const r = await historyJobs({ limit: PAGE, offset: off });
      setJobs(r.jobs);
      setJobTotal(r.total);
      setOffset(off);
    } catch (err) {
      setError(err);
    }
  }, []);

  const loadDocs = useCallback(async (q: string) => {
    try {
      const r = q.trim() ? await searchDocuments(q.trim()) : await historyDocuments(50);
      setDocs(r.documents);
    } catch (err) {
      setError(err);
    }
  }, []);

  useEffect(() => {
    void loadJobs(0);
    void loadDocs("");
    historyStats().then(setStats, setError);
    learnedTags().then((r) => setDemoted(r.tags.filter((t) => t.demoted).map((t) => t.tag)), setError);
  }, [loadJobs, loadDocs]);

  function search(e: FormEvent) {
    e.preventDefault();
    setTab("documents");
    void loadDocs(query);
  }

  async function openDoc(id: string) {
    try {
      setOpen(await historyDocument(id));
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section>
      <h1 tabIndex={-1}>History</h1>
      {stats && <StatsCards stats={stats} jobsLabel="jobs" label="Statistics" />}
      <form className="actions" onSubmit={search} role="search">
        <label htmlFor="q" className="sr-only">
          Search documents by title or tag
        </label>
        <input id="q" type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Search by title or tag" />
        <button type="submit">Search</button>
        {query && (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setQuery("");
              void loadDocs("");
            }}
          >
            Clear
          </button>
        )}
      </form>
      <ErrorText error={error} />
      {demoted.length > 0 && (
        <p className="muted" data-testid="demoted">
          Ranked lower for you, because you removed them from documents: {demoted.join(", ")}
        </p>
      )}
      <div className="actions" role="tablist" aria-label="History views">
        <button type="button" role="tab" aria-selected={tab === "documents"} className={tab === "documents" ? "" : "secondary"} onClick={() => setTab("documents")}>
          Documents
        </button>
        <button type="button" role="tab" aria-selected={tab === "jobs"} className={tab === "jobs" ? "" : "secondary"} onClick={() => setTab("jobs")}>
          Jobs
        </button>
      </div>
      {tab === "documents" ? (
        <div className="grid2">
          <div className="table-wrap" role="tabpanel" aria-label="Documents">
            <table>
              <thead>
                <tr>
                  <th scope="col">Title</th>
                  <th scope="col">Tags</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {docs.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <button type="button" className="link" onClick={() => void openDoc(d.id)}>
                        {d.title || d.file_path || d.id}
                      </button>
                      <div className="muted">{formatDate(d.processed_at ?? d.created_at)}</div>
                    </td>
                    <td>{(d.tags ?? []).join(", ")}</td>
                    <td>
                      <StatusBadge status={d.status} />
                    </td>
                  </tr>
                ))}
                {docs.length === 0 && <EmptyRow colSpan={3}>No documents{query ? " match" : " yet"}.</EmptyRow>}
              </tbody>
            </table>
          </div>
          <div className="panel" aria-live="polite">
            {open ? (
              <>
                <h2>{open.title}</h2>
                <TagEditor
                  docId={open.id}
                  tags={open.tags ?? []}
                  edits={open.tag_edits ?? []}
                  editable={open.status === "success"}
                  onSaved={(d) => {
                    setOpen(d);
                    setDocs(docs.map((x) => (x.id === d.id ? { ...x, tags: d.tags } : x)));
                    learnedTags().then((r) => setDemoted(r.tags.filter((t) => t.demoted).map((t) => t.tag)), setError);
                  }}
                />
                {open.error_message && <p className="error">{open.error_message}</p>}
                <h3>Text</h3>
                <div className="preview" tabIndex={0}>
                  {open.extracted_text ?? "—"}
                </div>
              </>
            ) : (
              <p className="muted">Choose a document to see its tags and text.</p>
            )}
          </div>
        </div>
      ) : (
        <div role="tabpanel" aria-label="Jobs">
          <JobsTable
            jobs={jobs}
            documents={(j) => (
              <>
                {j.processed_count} done, {j.failed_count} failed of {j.total_documents}
              </>
            )}
            actions={(j) => (
              <button type="button" className="danger small" aria-label={`Delete job from ${formatDate(j.created_at)}`} onClick={() => void deleteHistoryJob(j.id).then(() => loadJobs(offset), setError)}>
                Delete
              </button>
            )}
          />
          <div className="actions">
            <button type="button" className="secondary" disabled={offset === 0} onClick={() => void loadJobs(Math.max(0, offset - PAGE))}>
              Previous
            </button>
            <span>
              {jobTotal ? offset + 1 : 0}–{Math.min(offset + PAGE, jobTotal)} of {jobTotal}
            </span>
            <button type="button" className="secondary" disabled={offset + PAGE >= jobTotal} onClick={() => void loadJobs(offset + PAGE)}>
              Next
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
