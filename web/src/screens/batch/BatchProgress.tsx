/**
 * During and after a batch: counts and progress, each row live (hooks/useBatchSocket, merged by
 * batch/rows.ts), pause/resume/cancel, retry failed rows and export what the server recorded.
 */
import { useCallback, useEffect, useState } from "react";
import { batchControl, batchStatus, historyJob, rerunDocument, startBatch, type BatchStatus } from "../../api/tagging";
import { toCsv } from "../../batch/csv";
import { exportRecords, EXPORT_COLUMNS, retryPlan } from "../../batch/results";
import { mergeRow, mergeRows, mergeStatus, summarize, type Rows } from "../../batch/rows";
import type { BatchEvent } from "../../batch/socket";
import { ErrorText, Progress, StatusBadge, saveBlob } from "../../components/ui";
import { useBatchSocket } from "../../hooks/useBatchSocket";
import { navigate } from "../../router";

/** The socket is the live channel; a slow poll keeps the totals right if it drops. */
const POLL_MS = 5000;

export function BatchProgress({ jobId }: { jobId: string }) {
  const [status, setStatus] = useState<BatchStatus | null>(null);
  const [rows, setRows] = useState<Rows>(new Map());
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState("");

  const reloadStatus = useCallback(() => void batchStatus(jobId).then(setStatus, () => undefined), [jobId]);

  const onEvent = useCallback(
    (e: BatchEvent) => {
      switch (e.kind) {
        case "error":
          setError(new Error(e.message));
          break;
        case "catchup":
          if (e.state) setStatus((s) => mergeStatus(s, e.state!, jobId));
          setRows((m) => mergeRows(m, e.results));
          break;
        case "end":
          setMessage(e.message);
          reloadStatus();
          break;
        case "keepalive":
          if (e.status) setStatus((s) => (s ? { ...s, status: e.status! } : s));
          break;
        case "row":
          setRows((m) => mergeRow(m, e.row));
          reloadStatus();
          break;
      }
    },
    [jobId, reloadStatus],
  );
  const { connected } = useBatchSocket(jobId, onEvent);

  useEffect(() => {
    batchStatus(jobId).then(setStatus, setError);
  }, [jobId]);

  const sum = summarize(rows, status);
  useEffect(() => {
    if (sum.ended) return;
    const t = setInterval(reloadStatus, POLL_MS);
    return () => clearInterval(t);
  }, [sum.ended, reloadStatus]);

  async function control(what: "pause" | "resume" | "cancel") {
    setError(null);
    try {
      await batchControl(jobId, what);
      setStatus(await batchStatus(jobId));
    } catch (err) {
      setError(err);
    }
  }

  async function exportRows(kind: "csv" | "json") {
    setError(null);
    try {
      // Export what the server recorded, not what this page happened to see.
      const out = exportRecords((await historyJob(jobId)).documents);
      const blob = kind === "json" ? new Blob([JSON.stringify(out, null, 2)], { type: "application/json" }) : new Blob([toCsv([...EXPORT_COLUMNS], out)], { type: "text/csv" });
      saveBlob(blob, `batch-${jobId}.${kind}`);
    } catch (err) {
      setError(err);
    }
  }

  async function retryFailed() {
    setError(null);
    try {
      const job = await historyJob(jobId);
      const plan = retryPlan(job.documents, job.config);
      let again = 0;
      for (const d of plan.rerun) {
        setMessage(`Re-tagging ${d.title}…`);
        const r = await rerunDocument(d.id, plan.config).catch(() => null);
        if (r?.success) again++;
      }
      if (plan.rerun.length) setMessage(`${again} of ${plan.rerun.length} uploaded documents tagged on retry (see History).`);
      if (plan.batch) {
        const r = await startBatch(plan.batch);
        navigate(`/batch/${encodeURIComponent(r.job_id)}`);
      }
    } catch (err) {
      setError(err);
    }
  }

  const st = sum.status;
  return (
    <section>
      <h1 tabIndex={-1}>Batch progress</h1>
      <div className="panel">
        <div className="actions">
          <StatusBadge status={st} />
          <span data-testid="batch-counts">
            {sum.done} of {sum.total} done{sum.failed ? `, ${sum.failed} failed` : ""}
          </span>
          <span className="muted">{connected ? "live" : sum.ended ? "" : "reconnecting…"}</span>
        </div>
        <Progress value={sum.progress} label="Batch progress" />
        {message && <p role="status">{message}</p>}
        <div className="actions">
          {st === "paused" ? (
            <button type="button" className="secondary" onClick={() => void control("resume")}>
              Resume
            </button>
          ) : (
            <button type="button" className="secondary" onClick={() => void control("pause")} disabled={sum.ended}>
              Pause
            </button>
          )}
          <button type="button" className="danger" onClick={() => void control("cancel")} disabled={sum.ended}>
            Cancel
          </button>
          <button type="button" className="secondary" onClick={() => void retryFailed()} disabled={!sum.failed || !sum.ended}>
            Retry failed rows
          </button>
          <button type="button" onClick={() => void exportRows("csv")}>
            Export CSV
          </button>
          <button type="button" onClick={() => void exportRows("json")}>
            Export JSON
          </button>
        </div>
        <ErrorText error={error} />
      </div>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Title</th>
              <th scope="col">Status</th>
              <th scope="col">Tags or error</th>
            </tr>
          </thead>
          <tbody>
            {sum.list.map((r) => (
              <tr key={r.row_id} data-row={r.row_id} data-status={r.status}>
                <td>{r.row_number ?? r.row_id + 1}</td>
                <td className="nowrap">
                  <span className="row-title">{r.title}</span>
                  {typeof r.metadata?.document_title === "string" && r.metadata.document_title !== r.title && <div className="muted">{r.metadata.document_title}</div>}
                </td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td>{r.status === "failed" ? <span className="error">{r.error}</span> : (r.tags ?? []).join(", ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
