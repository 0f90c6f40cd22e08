/**
 * Redaction review: the page as pdf.js draws it, every detection as a box coloured by type, a side list
 * grouped by type, accept/reject one or a whole type, keyword exclusions, areas drawn with the mouse or
 * the keyboard, zoom and page navigation, submit, then downloads and the verification result.
 * Undecided work survives a reload: decisions are kept per job in sessionStorage until submitted.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from "react";
import { FILE_TYPES, getDetections, getJob, jobFile, submitRedaction, verificationPassed, type Detection, type DetectionResult, type Job, type ManualArea } from "../api/redaction";
import { ErrorText, StatusBadge, formatDate, messageOf, saveBlob } from "../components/ui";
import { Link, useScreenTitle } from "../router";
import { colorFor } from "../viewer/colors";
import { clampRect, displayedSize, fitWidthZoom, nudgeRect, rectFromPoints, rectToScreen, screenToDisplayed, stepZoom, type PageGeometry, type Rect } from "../viewer/coords";
import { geometryOf, openPdf, renderPage, type PdfDoc } from "../viewer/pdf";

const BUSY = new Set(["created", "detectionInProgress", "redactionInProgress"]);

interface Draft {
  rejected: string[];
  areas: ManualArea[];
  exclusions: string[];
}

function loadDraft(jobId: string): Draft {
  try {
    const raw = sessionStorage.getItem(`docmill.review.${jobId}`);
    if (raw) {
      const d = JSON.parse(raw) as Partial<Draft>;
      return { rejected: d.rejected ?? [], areas: d.areas ?? [], exclusions: d.exclusions ?? [] };
    }
  } catch {
    /* a broken draft is dropped */
  }
  return { rejected: [], areas: [], exclusions: [] };
}

function matchesExclusion(d: Detection, words: string[]): boolean {
  const t = d.text.toLowerCase();
  return words.some((w) => w && t.includes(w.toLowerCase()));
}

type Selection = { kind: "det"; id: string } | { kind: "area"; index: number } | null;

export default function Review({ jobId }: { jobId: string }) {
  useScreenTitle("Review redactions");
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [doc, setDoc] = useState<PdfDoc | null>(null);
  const [found, setFound] = useState<DetectionResult | null>(null);
  const [docError, setDocError] = useState<unknown>(null);
  const [pageNo, setPageNo] = useState(1);
  const [geom, setGeom] = useState<PageGeometry | null>(null);
  const [zoom, setZoom] = useState(1);
  const [draft, setDraft] = useState<Draft>(() => loadDraft(jobId));
  const [selection, setSelection] = useState<Selection>(null);
  const [drag, setDrag] = useState<{ start: { x: number; y: number }; now: { x: number; y: number } } | null>(null);
  const [areaLabel, setAreaLabel] = useState("MANUAL");
  const [exclusionInput, setExclusionInput] = useState("");
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const [announce, setAnnounce] = useState("");
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const viewerRef = useRef<HTMLDivElement>(null);
  const overlayRef = useRef<HTMLDivElement>(null);
  const fitted = useRef(false);

  // ---- job, polled while the server works ----
  const refresh = useCallback(async () => {
    try {
      setJob(await getJob(jobId));
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [jobId]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    if (!job || !BUSY.has(job.status)) return;
    const t = setInterval(() => void refresh(), 1500);
    return () => clearInterval(t);
  }, [job, refresh]);

  useEffect(() => {
    sessionStorage.setItem(`docmill.review.${jobId}`, JSON.stringify(draft));
  }, [draft, jobId]);

  // ---- the original PDF and, once detection is done, the findings (both are job files) ----
  const reviewable = job?.status === "readyForReview";
  const hasOriginal = !!job?.files.includes(FILE_TYPES.original);
  const hasDetections = !!job?.files.includes(FILE_TYPES.detections);
  useEffect(() => {
    if (!hasOriginal) return;
    let alive = true;
    jobFile(jobId, FILE_TYPES.original)
      .then((blob) => blob.arrayBuffer())
      .then(openPdf)
      .then(
        (d) => alive && setDoc(d),
        (err: unknown) => alive && setDocError(err),
      );
    return () => {
      alive = false;
    };
  }, [hasOriginal, jobId]);

  useEffect(() => {
    if (!hasDetections) return;
    let alive = true;
    getDetections(jobId).then(
      (r) => alive && setFound(r),
      (err: unknown) => alive && setError(err),
    );
    return () => {
      alive = false;
    };
  }, [hasDetections, jobId]);

  // ---- render the current page ----
  useEffect(() => {
    if (!doc || !canvasRef.current) return;
    let cancel = () => {};
    let alive = true;
    void (async () => {
      const page = await doc.getPage(pageNo);
      if (!alive) return;
      const g = geometryOf(page);
      if (!fitted.current && viewerRef.current) {
        fitted.current = true;
        const z = Math.min(1.5, fitWidthZoom(displayedSize(g).width, viewerRef.current.clientWidth - 40));
        if (Math.abs(z - zoom) > 0.01) {
          setGeom(g);
          setZoom(z);
          return;
        }
      }
      setGeom(g);
      const r = renderPage(page, canvasRef.current!, zoom);
      cancel = r.cancel;
      await r.done.catch((err: unknown) => setDocError(err));
    })();
    return () => {
      alive = false;
      cancel();
    };
  }, [doc, pageNo, zoom]);

  const detections = useMemo(() => found?.findings ?? [], [found]);
  const rejected = useMemo(() => new Set(draft.rejected), [draft.rejected]);
  const isRejected = useCallback((d: Detection) => rejected.has(d.id) || matchesExclusion(d, draft.exclusions), [rejected, draft.exclusions]);
  const pageCount = doc?.numPages ?? job?.pageCount ?? 1;
  const onPage = detections.filter((d) => d.page === pageNo);
  const areasOnPage = draft.areas.map((a, index) => ({ a, index })).filter(({ a }) => a.page === pageNo);
  const size = geom ? displayedSize(geom) : { width: 612, height: 792 };

  const groups = useMemo(() => {
    const m = new Map<string, Detection[]>();
    for (const d of detections) m.set(d.label, [...(m.get(d.label) ?? []), d]);
    return [...m.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  }, [detections]);

  function setRejected(ids: string[], reject: boolean) {
    setDraft((d) => {
      const s = new Set(d.rejected);
      for (const id of ids) {
        if (reject) s.add(id);
        else s.delete(id);
      }
      return { ...d, rejected: [...s] };
    });
  }

  function toggle(d: Detection) {
    const now = !isRejected(d);
    if (!now && matchesExclusion(d, draft.exclusions)) {
      setAnnounce(`${d.text} is excluded by a keyword; remove the exclusion to redact it.`);
      return;
    }
    setRejected([d.id], now);
    setAnnounce(`${d.label} ${d.text}: ${now ? "rejected, will stay visible" : "accepted, will be redacted"}`);
  }

  function goTo(p: number) {
    const n = Math.min(Math.max(1, Math.round(p) || 1), pageCount);
    setPageNo(n);
    setDrag(null);
    setSelection(null);
  }

  function addArea(r: Rect) {
    const area: ManualArea = { page: pageNo, label: areaLabel || "MANUAL", ...clampRect(r, size) };
    setDraft((d) => ({ ...d, areas: [...d.areas, area] }));
    setSelection({ kind: "area", index: draft.areas.length });
    setAnnounce(`Area added on page ${pageNo}. Arrow keys move it, Shift and arrows resize it, Delete removes it.`);
  }

  function updateArea(index: number, r: Rect) {
    setDraft((d) => ({ ...d, areas: d.areas.map((a, i) => (i === index ? { ...a, ...r } : a)) }));
  }

  function removeArea(index: number) {
    setDraft((d) => ({ ...d, areas: d.areas.filter((_, i) => i !== index) }));
    setSelection(null);
    setAnnounce("Area removed.");
  }

  // ---- mouse drawing ----
  function localPoint(e: PointerEvent<HTMLDivElement>) {
    const rect = overlayRef.current!.getBoundingClientRect();
    return screenToDisplayed({ x: e.clientX - rect.left, y: e.clientY - rect.top }, zoom);
  }

  function onPointerDown(e: PointerEvent<HTMLDivElement>) {
    if (!reviewable || e.button !== 0 || e.target !== overlayRef.current) return;
    overlayRef.current.setPointerCapture(e.pointerId);
    const p = localPoint(e);
    setDrag({ start: p, now: p });
  }

  function onPointerMove(e: PointerEvent<HTMLDivElement>) {
    if (drag) setDrag({ ...drag, now: localPoint(e) });
  }

  function onPointerUp(e: PointerEvent<HTMLDivElement>) {
    if (!drag) return;
    const r = rectFromPoints(drag.start, localPoint(e));
    setDrag(null);
    if (r.width >= 3 && r.height >= 3) addArea(r);
  }

  // ---- keyboard on the page ----
  function onOverlayKey(e: KeyboardEvent<HTMLDivElement>) {
    const arrows = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"] as const;
    const key = e.key as (typeof arrows)[number];
    if (selection?.kind === "area" && arrows.includes(key)) {
      e.preventDefault();
      const a = draft.areas[selection.index];
      updateArea(selection.index, nudgeRect(a, key, e.shiftKey ? "resize" : "move", e.altKey ? 1 : 5, size));
      return;
    }
    if (selection?.kind === "area" && (e.key === "Delete" || e.key === "Backspace")) {
      e.preventDefault();
      removeArea(selection.index);
      return;
    }
    if (e.key === "n" || e.key === "N") {
      e.preventDefault();
      addArea({ x: size.width / 2 - 60, y: size.height / 2 - 15, width: 120, height: 30 });
    } else if (e.key === "PageDown") {
      e.preventDefault();
      goTo(pageNo + 1);
    } else if (e.key === "PageUp") {
      e.preventDefault();
      goTo(pageNo - 1);
    } else if (e.key === "Escape") {
      setSelection(null);
      setDrag(null);
    }
  }

  async function submit() {
    setSubmitting(true);
    setSubmitError(null);
    const reject = detections.filter(isRejected).map((d) => d.id);
    const accept = detections.filter((d) => !isRejected(d)).map((d) => d.id);
    try {
      const updated = await submitRedaction(jobId, { accept, reject, areas: draft.areas });
      sessionStorage.removeItem(`docmill.review.${jobId}`);
      setJob(updated && typeof updated === "object" && "status" in updated ? updated : await getJob(jobId));
      setAnnounce("Review submitted. Redaction is running.");
    } catch (err) {
      setSubmitError(err);
    } finally {
      setSubmitting(false);
    }
  }

  async function download(fileType: string, name: string) {
    setDownloadError(null);
    try {
      saveBlob(await jobFile(jobId, fileType), name);
    } catch (err) {
      setDownloadError(err);
    }
  }

  if (error && !job) {
    return (
      <section>
        <h1 tabIndex={-1}>Review</h1>
        <ErrorText error={error} />
        <Link to="/redact">Back to the jobs</Link>
      </section>
    );
  }
  if (!job) return <p role="status">Loading the job…</p>;

  const acceptedCount = detections.filter((d) => !isRejected(d)).length;
  const passed = verificationPassed(job.verification);
  const fileBase = (job.fileName || "document").replace(/\.pdf$/i, "");
  const areaLabels = found?.labels?.length ? found.labels : ["MANUAL"];

  return (
    <section aria-labelledby="review-title">
      <div className="actions">
        <Link to="/redact">← All jobs</Link>
      </div>
      <h1 id="review-title" tabIndex={-1}>
        {job.fileName || job.id}
      </h1>
      <p className="actions">
        <StatusBadge status={job.status} /> <span className="muted">created {formatDate(job.createdAt)}</span>
        {BUSY.has(job.status) && (
          <span role="status">
            {job.progress.message || "Working…"} ({job.progress.percent} %). This page updates by itself.
          </span>
        )}
      </p>
      <ErrorText error={error} />
      {job.status === "failed" && <ErrorText error={job.error ? `${job.error.message} (${job.error.code})` : "The job failed"} />}
      {job.status === "expired" && <p className="muted">This job expired: its files were deleted.</p>}
      {job.review && (
        <p className="muted" data-testid="review-summary">
          Reviewed: {job.review.acceptedFindings} findings redacted, {job.review.rejectedFindings} kept, {job.review.manualAreas} drawn area{job.review.manualAreas === 1 ? "" : "s"}.
        </p>
      )}

      {job.status === "finished" && (
        <div className="panel" aria-label="Result">
          <h2>Redacted document</h2>
          <div className="actions">
            <button type="button" onClick={() => void download(FILE_TYPES.redacted, `${fileBase}-redacted.pdf`)}>
              Download redacted PDF
            </button>
            <button type="button" className="secondary" onClick={() => void download(FILE_TYPES.report, `${fileBase}-report.json`)}>
              Download report
            </button>
          </div>
          <ErrorText error={downloadError} />
          {passed !== undefined && (
            <p className={passed ? "ok-text" : "error"} role="status" data-testid="verification">
              Verification: {passed ? "passed: no redacted text remains in the output" : "FAILED: redacted text may remain"}
              {job.verification?.method?.length ? ` (checked by ${job.verification.method.join(", ")}; ${job.verification.redactedStrings ?? 0} strings)` : ""}
            </p>
          )}
        </div>
      )}

      <div className="review">
        <div>
          <div className="viewer-toolbar" role="toolbar" aria-label="Page and zoom">
            <button type="button" className="secondary" onClick={() => goTo(pageNo - 1)} disabled={pageNo <= 1} aria-label="Previous page">
              ‹ Prev
            </button>
            <label>
              <span className="sr-only">Page number</span>
              <input type="number" min={1} max={pageCount} value={pageNo} onChange={(e) => goTo(Number(e.target.value))} />
            </label>
            <span>of {pageCount}</span>
            <button type="button" className="secondary" onClick={() => goTo(pageNo + 1)} disabled={pageNo >= pageCount} aria-label="Next page">
              Next ›
            </button>
            <span className="muted" aria-hidden="true">
              |
            </span>
            <button type="button" className="secondary" onClick={() => setZoom((z) => stepZoom(z, -1))} aria-label="Zoom out">
              −
            </button>
            <span aria-live="polite">{Math.round(zoom * 100)} %</span>
            <button type="button" className="secondary" onClick={() => setZoom((z) => stepZoom(z, 1))} aria-label="Zoom in">
              +
            </button>
            <button type="button" className="secondary" onClick={() => viewerRef.current && setZoom(fitWidthZoom(size.width, viewerRef.current.clientWidth - 40))}>
              Fit width
            </button>
          </div>
          <ErrorText error={docError} />
          <div className="viewer" ref={viewerRef}>
            <div className="page-wrap" style={{ width: size.width * zoom, height: size.height * zoom }}>
              <canvas ref={canvasRef} aria-hidden="true" />
              <div
                ref={overlayRef}
                className="overlay"
                tabIndex={0}
                role="application"
                aria-label={`Page ${pageNo} of ${pageCount}. ${onPage.length} detections on this page. Press N to add an area, arrows move the selected area, Shift and arrows resize it, Delete removes it, Page Up and Page Down turn pages.`}
                data-testid="page-overlay"
                onPointerDown={onPointerDown}
                onPointerMove={onPointerMove}
                onPointerUp={onPointerUp}
                onKeyDown={onOverlayKey}
              >
                {onPage.flatMap((d) =>
                  d.boxes.map((b, i) => {
                    const r = rectToScreen(b, zoom);
                    const rej = isRejected(d);
                    const sel = selection?.kind === "det" && selection.id === d.id;
                    return (
                      <button
                        key={`${d.id}-${i}`}
                        type="button"
                        className={`det${rej ? " rejected" : ""}${sel ? " selected" : ""}`}
                        data-detection-id={d.id}
                        data-label={d.label}
                        style={{ left: r.x, top: r.y, width: r.width, height: r.height, borderColor: colorFor(d.label) }}
                        title={`${d.label}: ${d.text} (${Math.round(d.score * 100)} %)`}
                        aria-label={`${d.label} "${d.text}", ${rej ? "rejected" : "accepted"}`}
                        aria-pressed={!rej}
                        tabIndex={i === 0 ? 0 : -1}
                        disabled={!reviewable}
                        onClick={() => {
                          setSelection({ kind: "det", id: d.id });
                          toggle(d);
                        }}
                      />
                    );
                  }),
                )}
                {areasOnPage.map(({ a, index }) => {
                  const r = rectToScreen(a, zoom);
                  const sel = selection?.kind === "area" && selection.index === index;
                  return (
                    <button
                      key={`area-${index}`}
                      type="button"
                      className={`det manual${sel ? " selected" : ""}`}
                      data-area-index={index}
                      style={{ left: r.x, top: r.y, width: r.width, height: r.height }}
                      aria-label={`Drawn area ${index + 1} (${a.label}), ${Math.round(a.width)} by ${Math.round(a.height)} points${sel ? ", selected" : ""}`}
                      disabled={!reviewable}
                      onClick={() => setSelection({ kind: "area", index })}
                      onKeyDown={(e) => {
                        if (["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Delete", "Backspace"].includes(e.key)) {
                          setSelection({ kind: "area", index });
                        }
                      }}
                    />
                  );
                })}
                {drag &&
                  (() => {
                    const r = rectToScreen(rectFromPoints(drag.start, drag.now), zoom);
                    return <div className="draft" style={{ left: r.x, top: r.y, width: r.width, height: r.height }} />;
                  })()}
              </div>
            </div>
          </div>
          <p className="muted small-print">
            Draw an area by dragging on the page, or focus the page and press <span className="kbd">N</span>. Click a box to accept or reject it.
          </p>
        </div>

        <aside className="side" aria-label="Detections">
          <h2>Detections</h2>
          <p>
            {acceptedCount} of {detections.length} will be redacted; {draft.areas.length} drawn area{draft.areas.length === 1 ? "" : "s"}.
          </p>
          {reviewable && (
            <>
              <div className="actions">
                <button type="button" onClick={() => void submit()} disabled={submitting}>
                  {submitting ? "Submitting…" : "Submit redaction"}
                </button>
              </div>
              <ErrorText error={submitError} />
              <form
                className="field"
                onSubmit={(e) => {
                  e.preventDefault();
                  const w = exclusionInput.trim();
                  if (w && !draft.exclusions.includes(w)) setDraft((d) => ({ ...d, exclusions: [...d.exclusions, w] }));
                  setExclusionInput("");
                }}
              >
                <label htmlFor="excl">Keep words visible (keyword exclusion)</label>
                <div className="actions">
                  <input id="excl" value={exclusionInput} onChange={(e) => setExclusionInput(e.target.value)} placeholder="e.g. ACME" />
                  <button type="submit" className="secondary small">
                    Add
                  </button>
                </div>
                {draft.exclusions.length > 0 && (
                  <ul className="tags" aria-label="Excluded keywords">
                    {draft.exclusions.map((w) => (
                      <li key={w} className="tag">
                        {w}{" "}
                        <button type="button" className="link" aria-label={`Remove exclusion ${w}`} onClick={() => setDraft((d) => ({ ...d, exclusions: d.exclusions.filter((x) => x !== w) }))}>
                          ×
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
              </form>
              <div className="field">
                <label htmlFor="area-label">Label for drawn areas</label>
                <select id="area-label" value={areaLabel} onChange={(e) => setAreaLabel(e.target.value)}>
                  {areaLabels.map((l) => (
                    <option key={l} value={l}>
                      {l}
                    </option>
                  ))}
                </select>
              </div>
            </>
          )}
          {groups.map(([label, items]) => {
            const acc = items.filter((d) => !isRejected(d)).length;
            return (
              <div key={label} className="group" data-group={label}>
                <div className="group-head">
                  <span className="swatch" style={{ background: colorFor(label) }} aria-hidden="true" />
                  <h3>
                    {label} <span className="muted">({items.length})</span>
                  </h3>
                  {reviewable && (
                    <span className="actions small">
                      <button type="button" className="secondary" aria-label={`Accept all ${label}`} onClick={() => setRejected(items.map((d) => d.id), false)} disabled={acc === items.length}>
                        Accept all
                      </button>
                      <button type="button" className="secondary" aria-label={`Reject all ${label}`} onClick={() => setRejected(items.map((d) => d.id), true)} disabled={acc === 0}>
                        Reject all
                      </button>
                    </span>
                  )}
                </div>
                <ul className="det-list">
                  {items.map((d) => {
                    const rej = isRejected(d);
                    return (
                      <li key={d.id} className={`${rej ? "rejected" : ""}${selection?.kind === "det" && selection.id === d.id ? " current" : ""}`}>
                        <input
                          type="checkbox"
                          id={`det-${d.id}`}
                          checked={!rej}
                          disabled={!reviewable}
                          onChange={() => toggle(d)}
                          aria-label={`Redact ${label} "${d.text}" on page ${d.page}`}
                        />
                        <button
                          type="button"
                          className="link text"
                          onClick={() => {
                            goTo(d.page);
                            setSelection({ kind: "det", id: d.id });
                          }}
                          aria-label={`Show "${d.text}" on page ${d.page}`}
                        >
                          {d.text}
                        </button>
                        <span className="muted">p.{d.page}</span>
                      </li>
                    );
                  })}
                </ul>
              </div>
            );
          })}
          {draft.areas.length > 0 && (
            <div className="group">
              <h3>Drawn areas ({draft.areas.length})</h3>
              <ul className="det-list">
                {draft.areas.map((a, i) => (
                  <li key={i}>
                    <button
                      type="button"
                      className="link text"
                      onClick={() => {
                        goTo(a.page);
                        setSelection({ kind: "area", index: i });
                        setTimeout(() => overlayRef.current?.focus(), 0);
                      }}
                    >
                      {a.label} on page {a.page}
                    </button>
                    {reviewable && (
                      <button type="button" className="danger small" onClick={() => removeArea(i)} aria-label={`Remove drawn area ${i + 1}`}>
                        Remove
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {detections.length === 0 && !BUSY.has(job.status) && <p className="muted">No detections in this document.</p>}
        </aside>
      </div>
      <p className="sr-only" aria-live="polite">
        {announce}
      </p>
      {docError ? <p className="muted">The page preview is unavailable: {messageOf(docError)}</p> : null}
    </section>
  );
}
