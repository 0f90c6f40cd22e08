/** Before a batch: drop PDFs or a CSV, map the sheet's columns, choose the options, start (batch/setup.ts decides). */
import { useState, type DragEvent } from "react";
import { startBatch, startBatchUploads } from "../../api/tagging";
import { guessMapping, parseCsv } from "../../batch/csv";
import { batchConfig, mappingReady, pickFiles, remapColumn, ROLES, sheetProblem, sheetStartBody } from "../../batch/setup";
import { ErrorText } from "../../components/ui";
import { VocabularySelect } from "../../components/VocabularySelect";
import { navigate } from "../../router";
import { ActiveJobs } from "./ActiveJobs";

/** How many rows of a sheet and names of PDFs the setup shows before "and N more". */
const PREVIEW_ROWS = 5;
const PREVIEW_FILES = 20;

export function BatchSetup() {
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
    const picked = pickFiles(files);
    if (picked.kind === "none") {
      setError(new Error(picked.message));
      return;
    }
    if (picked.kind === "pdfs") {
      setPdfs(picked.files);
      setColumns([]);
      setRows([]);
      return;
    }
    const parsed = parseCsv(await picked.file.text());
    const problem = sheetProblem(picked.file.name, parsed);
    if (problem) {
      // The server refuses the same sheet (422): say which row is broken before anything is sent.
      setError(new Error(problem));
      return;
    }
    setColumns(parsed.columns);
    setRows(parsed.rows);
    setMapping(guessMapping(parsed.columns));
    setPdfs([]);
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setOver(false);
    void take([...e.dataTransfer.files]);
  }

  const csvReady = rows.length > 0 && mappingReady(mapping);

  async function start() {
    setBusy(true);
    setError(null);
    try {
      const config = batchConfig({ numTags, numPages, model, vocabulary });
      // Dropped PDFs travel with the start request itself (multipart `files`); a CSV names its documents.
      const r = pdfs.length ? await startBatchUploads(pdfs, config) : await startBatch(sheetStartBody(rows, mapping, config));
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
            {pdfs.slice(0, PREVIEW_FILES).map((f) => (
              <li key={f.name}>{f.name}</li>
            ))}
            {pdfs.length > PREVIEW_FILES && <li className="muted">and {pdfs.length - PREVIEW_FILES} more</li>}
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
                        <select aria-label={`Role of column ${c}`} value={mapping[c] ?? ""} onChange={(e) => setMapping(remapColumn(mapping, c, e.target.value))}>
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
                {rows.slice(0, PREVIEW_ROWS).map((r, i) => (
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
