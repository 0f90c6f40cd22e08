/** Redaction jobs: upload a PDF, see every job with its status updating live, open one to review. */
import { useCallback, useEffect, useState } from "react";
import { createJob, listJobs, type Job } from "../api/redaction";
import { cancelJob, deleteJob } from "../api/webhooks";
import { ACTIONS_HEADING, EmptyRow, Table } from "../components/Table";
import { RedactionJobRow, REDACTION_JOB_COLUMNS } from "../components/redaction";
import { ErrorText } from "../components/ui";
import { useSubmit } from "../hooks/useSubmit";
import { navigate, useScreenTitle } from "../router";

const ACTIVE = new Set(["created", "detectionInProgress", "redactionInProgress"]);
/** Statuses a job can still be cancelled in (the server answers 409 for the others). */
const CANCELLABLE = new Set(["created", "detectionInProgress", "readyForReview", "redactionInProgress"]);
const STATUSES = ["", "created", "detectionInProgress", "readyForReview", "redactionInProgress", "finished", "failed", "expired", "cancelled"];

export default function RedactJobs() {
  useScreenTitle("Redaction");
  const [jobs, setJobs] = useState<Job[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [status, setStatus] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [file, setFile] = useState<File | null>(null);
  const [loaded, setLoaded] = useState(false);

  const load = useCallback(async () => {
    try {
      const page = await listJobs({ pageSize: 50, status: status || undefined });
      setJobs(page.items ?? []);
      setCursor(page.nextCursor ?? null);
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setLoaded(true);
    }
  }, [status]);

  useEffect(() => {
    void load();
  }, [load]);

  // Statuses change on the server; poll while any listed job is still moving.
  useEffect(() => {
    if (!jobs.some((j) => ACTIVE.has(j.status))) return;
    const t = setInterval(() => void load(), 2000);
    return () => clearInterval(t);
  }, [jobs, load]);

  async function more() {
    if (!cursor) return;
    try {
      const page = await listJobs({ pageSize: 50, status: status || undefined, cursor });
      setJobs((j) => [...j, ...(page.items ?? [])]);
      setCursor(page.nextCursor ?? null);
    } catch (err) {
      setError(err);
    }
  }

  const { busy: uploading, error: uploadError, submit: upload } = useSubmit(async () => {
    const job = await createJob(file!);
    navigate(`/redact/${encodeURIComponent(job.id)}`);
  }, !file);

  return (
    <section>
      <h1 tabIndex={-1}>Redaction</h1>
      <form className="panel" onSubmit={upload} aria-label="New redaction job">
        <h2>New job</h2>
        <div className="row">
          <div className="field">
            <label htmlFor="redact-file">PDF to redact</label>
            <input id="redact-file" type="file" accept="application/pdf,.pdf" onChange={(e) => setFile(e.target.files?.[0] ?? null)} aria-describedby="redact-err" />
          </div>
          <div className="field button-cell">
            <button type="submit" disabled={!file || uploading}>
              {uploading ? "Uploading…" : "Upload and detect"}
            </button>
          </div>
        </div>
        <ErrorText error={uploadError} id="redact-err" />
      </form>

      <div className="actions">
        <h2 style={{ margin: 0 }}>Jobs</h2>
        <label>
          <span className="sr-only">Filter by status</span>
          <select value={status} onChange={(e) => setStatus(e.target.value)} aria-label="Filter by status">
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s ? s : "All statuses"}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="secondary" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      <ErrorText error={error} />
      <Table columns={[...REDACTION_JOB_COLUMNS, ACTIONS_HEADING]} live>
        {jobs.map((j) => (
          <RedactionJobRow key={j.id} job={j}>
            <td>
              {CANCELLABLE.has(j.status) && (
                <button type="button" className="secondary small" onClick={() => void cancelJob(j.id).then(load, setError)}>
                  Cancel<span className="sr-only"> {j.fileName ?? j.id}</span>
                </button>
              )}{" "}
              <button
                type="button"
                className="danger small"
                onClick={() => {
                  if (window.confirm(`Delete “${j.fileName ?? j.id}” with all its files and detections? This cannot be undone.`)) void deleteJob(j.id).then(load, setError);
                }}
              >
                Delete<span className="sr-only"> {j.fileName ?? j.id}</span>
              </button>
            </td>
          </RedactionJobRow>
        ))}
        {loaded && jobs.length === 0 && <EmptyRow colSpan={5}>No jobs yet. Upload a PDF above.</EmptyRow>}
      </Table>
      {cursor && (
        <div className="actions">
          <button type="button" className="secondary" onClick={() => void more()}>
            Load more
          </button>
        </div>
      )}
    </section>
  );
}
