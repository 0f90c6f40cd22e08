/** Before a batch: drop PDFs or a CSV, map the sheet's columns, choose the options, start (batch/setup.ts decides). */
import { useReducer, useState, type DragEvent } from "react";
import { startBatch, startBatchUploads } from "../../api/tagging";
import { guessMapping, parseCsv } from "../../batch/csv";
import { batchConfig, DEFAULT_OPTIONS, inputReducer, inputSummary, pickFiles, ROLES, sheetProblem, sheetStartBody, type BatchOptions } from "../../batch/setup";
import { ErrorText } from "../../components/ui";
import { VocabularySelect } from "../../components/VocabularySelect";
import { navigate } from "../../router";
import { ActiveJobs } from "./ActiveJobs";

/** How many rows of a sheet and names of PDFs the setup shows before "and N more". */
const PREVIEW_ROWS = 5;
const PREVIEW_FILES = 20;

export function BatchSetup() {
  const [input, dispatch] = useReducer(inputReducer<File>, { kind: "none" });
  const [options, setOptions] = useState<BatchOptions>(DEFAULT_OPTIONS);
  const [over, setOver] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const option = <K extends keyof BatchOptions>(k: K, v: BatchOptions[K]) => setOptions((o) => ({ ...o, [k]: v }));

  async function take(files: File[]) {
    setError(null);
    const picked = pickFiles(files);
    if (picked.kind === "none") {
      setError(new Error(picked.message));
      return;
    }
    if (picked.kind === "pdfs") {
      dispatch({ type: "pdfs", files: picked.files });
      return;
    }
    const parsed = parseCsv(await picked.file.text());
    const problem = sheetProblem(picked.file.name, parsed);
    if (problem) {
      // The server refuses the same sheet (422): say which row is broken before anything is sent.
      setError(new Error(problem));
      return;
    }
    dispatch({ type: "sheet", columns: parsed.columns, rows: parsed.rows, mapping: guessMapping(parsed.columns) });
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setOver(false);
    void take([...e.dataTransfer.files]);
  }

  const { count, ready } = inputSummary(input);

  async function start() {
    setBusy(true);
    setError(null);
    try {
      const config = batchConfig(options);
      // Dropped PDFs travel with the start request itself (multipart `files`); a CSV names its documents.
      const r = input.kind === "pdfs" ? await startBatchUploads(input.files, config) : input.kind === "sheet" ? await startBatch(sheetStartBody(input.rows, input.mapping, config)) : null;
      if (r) navigate(`/batch/${encodeURIComponent(r.job_id)}`);
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

      {input.kind === "pdfs" && (
        <div className="panel">
          <h2>{input.files.length} PDF files</h2>
          <ul>
            {input.files.slice(0, PREVIEW_FILES).map((f) => (
              <li key={f.name}>{f.name}</li>
            ))}
            {input.files.length > PREVIEW_FILES && <li className="muted">and {input.files.length - PREVIEW_FILES} more</li>}
          </ul>
        </div>
      )}

      {input.kind === "sheet" && (
        <div className="panel">
          <h2>Map the columns ({input.rows.length} rows)</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  {input.columns.map((c) => (
                    <th key={c} scope="col">
                      <label>
                        {c}
                        <select aria-label={`Role of column ${c}`} value={input.mapping[c] ?? ""} onChange={(e) => dispatch({ type: "role", column: c, role: e.target.value })}>
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
                {input.rows.slice(0, PREVIEW_ROWS).map((r, i) => (
                  <tr key={i}>
                    {input.columns.map((c) => (
                      <td key={c}>{r[c]}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {!ready && <p className="error">Map one column to Title and one to File path or URL.</p>}
        </div>
      )}

      {input.kind !== "none" && (
        <div className="panel">
          <h2>Options</h2>
          <div className="row">
            <div className="field">
              <label htmlFor="b-tags">Tags per document</label>
              <input id="b-tags" type="number" min={3} max={15} value={options.numTags} onChange={(e) => option("numTags", Number(e.target.value))} />
            </div>
            <div className="field">
              <label htmlFor="b-pages">Pages to read</label>
              <input id="b-pages" type="number" min={1} max={10} value={options.numPages} onChange={(e) => option("numPages", Number(e.target.value))} />
            </div>
            <div className="field">
              <label htmlFor="b-model">Model (optional)</label>
              <input id="b-model" value={options.model} onChange={(e) => option("model", e.target.value)} />
            </div>
            <VocabularySelect id="b-vocabulary" value={options.vocabulary} onChange={(v) => option("vocabulary", v)} />
          </div>
          <button type="button" onClick={() => void start()} disabled={busy || !ready}>
            {busy ? "Starting…" : `Start batch of ${count}`}
          </button>
        </div>
      )}
    </section>
  );
}
