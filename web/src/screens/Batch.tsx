/**
 * Batch tagging: drop PDFs or a CSV, map the CSV's columns, start, watch each row live over the
 * WebSocket, pause/resume/cancel, retry failed rows, export as CSV or JSON. A reload (or opening
 * /batch/:id) reconnects: the socket's catch-up message carries the job's state and results so far.
 */
import { useCallback, useEffect, useRef, useState, type DragEvent } from "react";
import { currentToken, refreshSession } from "../api/client";
import { batchControl, batchStatus, historyJob, rerunDocument, startBatch, startBatchUploads, type BatchStatus, type ColumnRole, type RowResult, type TaggingConfig } from "../api/tagging";
import { guessMapping, parseCsv, toCsv } from "../batch/csv";
import { ErrorText, Progress, StatusBadge, saveBlob } from "../components/ui";
import { VocabularySelect } from "../components/VocabularySelect";
import { navigate, useScreenTitle } from "../router";

const ROLES: Array<{ value: ColumnRole | ""; label: string }> = [
  { value: "", label: "(ignore)" },
  { value: "title", label: "Title" },
  { value: "file_path", label: "File path or URL" },
  { value: "file_source_type", label: "Source type (url/s3/local)" },
  { value: "description", label: "Description" },
];
const ENDED = new Set(["completed", "failed", "cancelled"]);
const FINAL_ROW = new Set(["success", "failed"]);

export default function Batch({ jobId }: { jobId?: string }) {
  useScreenTitle(jobId ? "Batch progress" : "Batch");
  return jobId ? <BatchProgress key={jobId} jobId={jobId} /> : <BatchSetup />;
}

function BatchSetup() {
  const [columns, setColumns] = useState<string[]>([]);
  const [rows, setRows] = useState<Array<Record<string, string>>>([]);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [pdfs, setPdfs] = useState<File[]>([]);
  const [numTags, setNumTags] = useState(8);
  const [vocabulary, setVocabulary] = useState("");
  const [numPages, setNumPages] = useState(3);
  const [model, setModel] = useState("");
  const [over, setOver] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function take(files: File[]) {
    setError(null);
    const csv = files.find((f) => /\.csv$/i.test(f.name) || f.type === "text/csv");
    if (csv) {
      const parsed = parseCsv(await csv.text());
      if (parsed.errors.length) {
        // The server refuses the same sheet (422): say which row is broken before anything is sent.
        setError(new Error(`${csv.name} is not a well-formed CSV: ${parsed.errors.slice(0, 3).map((e) => e.message).join("; ")}`));
        return;
      }
      if (!parsed.rows.length) {
        setError(new Error(`${csv.name} has no data rows.`));
        return;
      }
      setColumns(parsed.columns);
      setRows(parsed.rows);
      setMapping(guessMapping(parsed.columns));
      setPdfs([]);
      return;
    }
    const list = files.filter((f) => /\.pdf$/i.test(f.name) || f.type === "application/pdf");
    if (!list.length) {
      setError(new Error("Drop PDF files or one CSV file."));
      return;
    }
    setPdfs(list);
    setColumns([]);
    setRows([]);
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setOver(false);
    void take([...e.dataTransfer.files]);
  }

  const mapped = Object.values(mapping);
  const csvReady = rows.length > 0 && mapped.includes("title") && mapped.includes("file_path");

  async function start() {
    setBusy(true);
    setError(null);
    try {
      const config: TaggingConfig = { num_tags: numTags, num_pages: numPages, model_name: model.trim() || undefined, vocabulary: vocabulary || undefined };
      const column_mapping = Object.fromEntries(Object.entries(mapping).filter(([, v]) => v)) as Record<string, ColumnRole>;
      // Dropped PDFs travel with the start request itself (multipart `files`); a CSV names its documents.
      const r = pdfs.length ? await startBatchUploads(pdfs, config) : await startBatch({ documents: rows, config, column_mapping });
      navigate(`/batch/${encodeURIComponent(r.job_id)}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section>
      <h1 tabIndex={-1}>Batch</h1>
      <ActiveJobs />
      <div
        className={`dropzone${over ? " over" : ""}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p>Drop PDF files or a CSV of documents here, or</p>
        <label htmlFor="batch-files" className="secondary">
          choose files:{" "}
        </label>
        <input id="batch-files" type="file" multiple accept=".pdf,.csv,application/pdf,text/csv" onChange={(e) => void take([...(e.target.files ?? [])])} />
        <p className="muted">A CSV needs a title and a file path or URL per row (columns are mapped below).</p>
      </div>
      <ErrorText error={error} />

      {pdfs.length > 0 && (
        <div className="panel">
          <h2>{pdfs.length} PDF files</h2>
          <ul>
            {pdfs.slice(0, 20).map((f) => (
              <li key={f.name}>{f.name}</li>
            ))}
            {pdfs.length > 20 && <li className="muted">and {pdfs.length - 20} more</li>}
          </ul>
        </div>
      )}

      {rows.length > 0 && (
        <div className="panel">
          <h2>Map the columns ({rows.length} rows)</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th key={c} scope="col">
                      <label>
                        {c}
                        <select
                          aria-label={`Role of column ${c}`}
                          value={mapping[c] ?? ""}
                          onChange={(e) => setMapping({ ...Object.fromEntries(Object.entries(mapping).filter(([k, v]) => k !== c && v !== e.target.value)), ...(e.target.value ? { [c]: e.target.value } : {}) })}
                        >
                          {ROLES.map((r) => (
                            <option key={r.value} value={r.value}>
                              {r.label}
                            </option>
                          ))}
                        </select>
                      </label>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.slice(0, 5).map((r, i) => (
                  <tr key={i}>
                    {columns.map((c) => (
                      <td key={c}>{r[c]}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {!csvReady && <p className="error">Map one column to Title and one to File path or URL.</p>}
        </div>
      )}

      {(pdfs.length > 0 || rows.length > 0) && (
        <div className="panel">
          <h2>Options</h2>
          <div className="row">
            <div className="field">
              <label htmlFor="b-tags">Tags per document</label>
              <input id="b-tags" type="number" min={3} max={15} value={numTags} onChange={(e) => setNumTags(Number(e.target.value))} />
            </div>
            <div className="field">
              <label htmlFor="b-pages">Pages to read</label>
              <input id="b-pages" type="number" min={1} max={10} value={numPages} onChange={(e) => setNumPages(Number(e.target.value))} />
            </div>
            <div className="field">
              <label htmlFor="b-model">Model (optional)</label>
              <input id="b-model" value={model} onChange={(e) => setModel(e.target.value)} />
            </div>
            <VocabularySelect id="b-vocabulary" value={vocabulary} onChange={setVocabulary} />
          </div>
          <button type="button" onClick={() => void start()} disabled={busy || (rows.length > 0 && !csvReady)}>
            {busy ? "Starting…" : `Start batch of ${pdfs.length || rows.length}`}
          </button>
        </div>
      )}
    </section>
  );
}

function ActiveJobs() {
  const [jobs, setJobs] = useState<BatchStatus[]>([]);
  useEffect(() => {
    import("../api/tagging").then((m) => m.activeBatches()).then((r) => setJobs(r.jobs ?? []), () => setJobs([]));
  }, []);
  if (!jobs.length) return null;
  return (
    <div className="panel">
      <h2>Running batches</h2>
      <ul>
        {jobs.map((j) => (
          <li key={j.job_id}>
            <button type="button" className="link" onClick={() => navigate(`/batch/${encodeURIComponent(j.job_id)}`)}>
              {j.job_id}
            </button>{" "}
            <StatusBadge status={j.status} /> {j.processed_count + j.failed_count} / {j.total}
          </li>
        ))}
      </ul>
    </div>
  );
}

function BatchProgress({ jobId }: { jobId: string }) {
  const [status, setStatus] = useState<BatchStatus | null>(null);
  const [rows, setRows] = useState<Map<number, RowResult>>(new Map());
  const [error, setError] = useState<unknown>(null);
  const [connected, setConnected] = useState(false);
  const [message, setMessage] = useState("");
  const ended = useRef(false);

  const merge = useCallback((r: RowResult) => {
    setRows((m) => {
      const had = m.get(r.row_id);
      // Messages may arrive out of order: a late "processing" never undoes a row's result.
      if (had && FINAL_ROW.has(had.status) && !FINAL_ROW.has(r.status)) return m;
      const next = new Map(m);
      next.set(r.row_id, { ...had, ...r });
      return next;
    });
  }, []);

  useEffect(() => {
    batchStatus(jobId).then(setStatus, setError);
  }, [jobId]);

  useEffect(() => {
    let ws: WebSocket | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let attempts = 0;
    /** After the end message, one more connection: its catch-up carries every result, in case a live message was missed. */
    let finalSync: "no" | "pending" | "done" = "no";
    const open = async () => {
      const token = currentToken() ?? (await refreshSession());
      if (stopped || !token) return;
      const proto = window.location.protocol === "https:" ? "wss:" : "ws:";
      ws = new WebSocket(`${proto}//${window.location.host}/api/batch/ws/${encodeURIComponent(jobId)}?token=${encodeURIComponent(token)}`);
      ws.onopen = () => {
        attempts = 0;
        setConnected(true);
      };
      ws.onmessage = (ev) => {
        let msg: Record<string, unknown>;
        try {
          msg = JSON.parse(String(ev.data)) as Record<string, unknown>;
        } catch {
          return;
        }
        if (msg.error) {
          setError(new Error(String(msg.error)));
          return;
        }
        switch (msg.type) {
          case "catchup": {
            const st = msg.state as Partial<BatchStatus> | undefined;
            if (st) setStatus((s) => ({ ...(s ?? ({} as BatchStatus)), ...st, job_id: jobId }) as BatchStatus);
            for (const r of (msg.results as RowResult[] | undefined) ?? []) merge(r);
            break;
          }
          case "completed":
          case "failed":
          case "cancelled":
          case "error":
            ended.current = true;
            if (finalSync === "no") finalSync = "pending";
            setMessage(String(msg.message ?? msg.type));
            void batchStatus(jobId).then(setStatus, () => undefined);
            break;
          case "keepalive":
            if (typeof msg.status === "string") setStatus((s) => (s ? { ...s, status: msg.status as string } : s));
            break;
          default:
            if (typeof msg.row_id === "number") {
              merge(msg as unknown as RowResult);
              void batchStatus(jobId).then(setStatus, () => undefined);
            }
        }
      };
      ws.onclose = (ev) => {
        setConnected(false);
        if (!stopped && finalSync === "pending") {
          finalSync = "done";
          void open();
          return;
        }
        if (stopped || ended.current || ev.code === 1008) return;
        attempts++;
        retry = setTimeout(() => void open(), Math.min(10_000, 500 * 2 ** attempts));
      };
    };
    void open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      ws?.close();
    };
  }, [jobId, merge]);

  // The socket is the live channel; a slow poll keeps the totals right if it drops.
  useEffect(() => {
    if (status && ENDED.has(status.status)) return;
    const t = setInterval(() => void batchStatus(jobId).then(setStatus, () => undefined), 5000);
    return () => clearInterval(t);
  }, [jobId, status]);

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
      const job = await historyJob(jobId);
      const out = job.documents.map((d) => ({ title: d.title, file_path: d.file_path, status: d.status, tags: d.tags, error: d.error_message }));
      const blob =
        kind === "json"
          ? new Blob([JSON.stringify(out, null, 2)], { type: "application/json" })
          : new Blob([toCsv(["title", "file_path", "status", "tags", "error"], out)], { type: "text/csv" });
      saveBlob(blob, `batch-${jobId}.${kind}`);
    } catch (err) {
      setError(err);
    }
  }

  async function retryFailed() {
    setError(null);
    try {
      const job = await historyJob(jobId);
      const failed = job.documents.filter((d) => d.status === "failed");
      if (!failed.length) return;
      const config = job.config ?? { num_pages: 3, num_tags: 8 };
      // Uploaded PDFs are stored by the server: tag them again in place. Rows that name an address
      // become a new batch, which fetches them again.
      const uploaded = failed.filter((d) => d.file_source_type === "upload");
      const named = failed.filter((d) => d.file_source_type !== "upload");
      let again = 0;
      for (const d of uploaded) {
        setMessage(`Re-tagging ${d.title}…`);
        const r = await rerunDocument(d.id, config).catch(() => null);
        if (r?.success) again++;
      }
      if (uploaded.length) setMessage(`${again} of ${uploaded.length} uploaded documents tagged on retry (see History).`);
      if (named.length) {
        const r = await startBatch({
          documents: named.map((d) => ({ title: d.title, file_path: d.file_path ?? "", file_source_type: d.file_source_type ?? "url" })),
          config,
          column_mapping: { title: "title", file_path: "file_path", file_source_type: "file_source_type" },
        });
        navigate(`/batch/${encodeURIComponent(r.job_id)}`);
      }
    } catch (err) {
      setError(err);
    }
  }

  const list = [...rows.values()].sort((a, b) => a.row_id - b.row_id);
  const total = status?.total ?? list.length;
  const done = status ? status.processed_count + status.failed_count : list.filter((r) => r.status === "success" || r.status === "failed").length;
  const progress = status?.progress ?? (total ? done / total : 0);
  const st = status?.status ?? "pending";
  const failedCount = status?.failed_count ?? list.filter((r) => r.status === "failed").length;

  return (
    <section>
      <h1 tabIndex={-1}>Batch progress</h1>
      <div className="panel">
        <div className="actions">
          <StatusBadge status={st} />
          <span data-testid="batch-counts">
            {done} of {total} done{failedCount ? `, ${failedCount} failed` : ""}
          </span>
          <span className="muted">{connected ? "live" : ENDED.has(st) ? "" : "reconnecting…"}</span>
        </div>
        <Progress value={progress} label="Batch progress" />
        {message && <p role="status">{message}</p>}
        <div className="actions">
          {st === "paused" ? (
            <button type="button" className="secondary" onClick={() => void control("resume")}>
              Resume
            </button>
          ) : (
            <button type="button" className="secondary" onClick={() => void control("pause")} disabled={ENDED.has(st)}>
              Pause
            </button>
          )}
          <button type="button" className="danger" onClick={() => void control("cancel")} disabled={ENDED.has(st)}>
            Cancel
          </button>
          <button type="button" className="secondary" onClick={() => void retryFailed()} disabled={!failedCount || !ENDED.has(st)}>
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
            {list.map((r) => (
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
