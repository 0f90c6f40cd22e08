/**
 * Redaction review: the page as pdf.js draws it, every detection as a box coloured by type, a side list
 * grouped by type, accept/reject one or a whole type, keyword exclusions, areas drawn with the mouse or
 * the keyboard, zoom and page navigation, submit, then downloads and the verification result.
 * Undecided work survives a reload: decisions are kept per job in sessionStorage until submitted.
 *
 * The parts: the job and its files (hooks/useReviewJob), the draft (review/draft.ts through
 * hooks/useReviewDraft), the page drawing (hooks/usePageView), the keyboard (review/keys.ts); the
 * page (review/PageViewer), the side list (review/DetectionPanel) and the result (review/ResultPanel).
 */
import { useCallback, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { getJob, submitRedaction, type Detection } from "../api/redaction";
import { ErrorText, StatusBadge, formatDate, messageOf } from "../components/ui";
import { usePageView } from "../hooks/usePageView";
import { useReviewDraft } from "../hooks/useReviewDraft";
import { useReviewJob } from "../hooks/useReviewJob";
import { groupByLabel, isRejected as rejectedIn, newArea, redactionBody, toggleOutcome } from "../review/draft";
import { centredArea, clampPage, overlayCommand, type Selection } from "../review/keys";
import { BUSY } from "../review/status";
import { Link, useScreenTitle } from "../router";
import { nudgeRect, type Rect } from "../viewer/coords";
import { DetectionPanel } from "./review/DetectionPanel";
import { PageViewer } from "./review/PageViewer";
import { ResultPanel } from "./review/ResultPanel";

export default function Review({ jobId }: { jobId: string }) {
  useScreenTitle("Review redactions");
  const { job, setJob, error, doc, docError, setDocError, found } = useReviewJob(jobId);
  const { draft, dispatch, discard } = useReviewDraft(jobId);
  const [pageNo, setPageNo] = useState(1);
  const [selection, setSelection] = useState<Selection>(null);
  const [areaLabel, setAreaLabel] = useState("MANUAL");
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [announce, setAnnounce] = useState("");
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const viewerRef = useRef<HTMLDivElement>(null);
  const overlayRef = useRef<HTMLDivElement>(null);
  const view = usePageView(doc, pageNo, canvasRef, viewerRef, setDocError);

  const reviewable = job?.status === "readyForReview";
  const detections = useMemo(() => found?.findings ?? [], [found]);
  const groups = useMemo(() => groupByLabel(detections), [detections]);
  const isRejected = useCallback((d: Detection) => rejectedIn(d, draft), [draft]);
  const pageCount = doc?.numPages ?? job?.pageCount ?? 1;

  function goTo(p: number) {
    setPageNo(clampPage(p, pageCount));
    setSelection(null);
  }

  function toggle(d: Detection) {
    const { action, message } = toggleOutcome(d, draft);
    if (action) dispatch(action);
    setAnnounce(message);
  }

  function addArea(r: Rect) {
    dispatch({ type: "addArea", area: newArea(pageNo, areaLabel, r, view.size) });
    setSelection({ kind: "area", index: draft.areas.length });
    setAnnounce(`Area added on page ${pageNo}. Arrow keys move it, Shift and arrows resize it, Delete removes it.`);
  }

  function removeArea(index: number) {
    dispatch({ type: "removeArea", index });
    setSelection(null);
    setAnnounce("Area removed.");
  }

  function onOverlayKey(e: KeyboardEvent<HTMLDivElement>) {
    const cmd = overlayCommand(e, selection);
    if (!cmd) return;
    if (cmd.type === "deselect") {
      setSelection(null);
      return;
    }
    e.preventDefault();
    switch (cmd.type) {
      case "nudge": {
        const a = draft.areas[cmd.index];
        if (a) dispatch({ type: "updateArea", index: cmd.index, rect: nudgeRect(a, cmd.key, cmd.mode, cmd.step, view.size) });
        break;
      }
      case "removeArea":
        removeArea(cmd.index);
        break;
      case "newArea":
        addArea(centredArea(view.size));
        break;
      case "page":
        goTo(pageNo + cmd.delta);
        break;
    }
  }

  async function submit() {
    setSubmitting(true);
    setSubmitError(null);
    try {
      const updated = await submitRedaction(jobId, redactionBody(detections, draft));
      discard();
      setJob(updated && typeof updated === "object" && "status" in updated ? updated : await getJob(jobId));
      setAnnounce("Review submitted. Redaction is running.");
    } catch (err) {
      setSubmitError(err);
    } finally {
      setSubmitting(false);
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

  const busy = BUSY.has(job.status);
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
        {busy && (
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
      {job.status === "finished" && <ResultPanel jobId={jobId} job={job} />}

      <div className="review">
        <PageViewer
          pageNo={pageNo}
          pageCount={pageCount}
          goTo={goTo}
          view={view}
          canvasRef={canvasRef}
          viewerRef={viewerRef}
          overlayRef={overlayRef}
          docError={docError}
          findings={detections.filter((d) => d.page === pageNo)}
          areas={draft.areas.map((area, index) => ({ area, index })).filter(({ area }) => area.page === pageNo)}
          isRejected={isRejected}
          selection={selection}
          select={setSelection}
          reviewable={reviewable}
          onToggle={toggle}
          onDrawn={addArea}
          onKey={onOverlayKey}
        />
        <DetectionPanel
          detections={detections}
          groups={groups}
          draft={draft}
          dispatch={dispatch}
          isRejected={isRejected}
          reviewable={reviewable}
          busy={busy}
          selection={selection}
          onToggle={toggle}
          onShow={(d) => {
            goTo(d.page);
            setSelection({ kind: "det", id: d.id });
          }}
          onShowArea={(i) => {
            goTo(draft.areas[i]!.page);
            setSelection({ kind: "area", index: i });
            setTimeout(() => overlayRef.current?.focus(), 0);
          }}
          onRemoveArea={removeArea}
          areaLabel={areaLabel}
          setAreaLabel={setAreaLabel}
          areaLabels={found?.labels?.length ? found.labels : ["MANUAL"]}
          submitting={submitting}
          submitError={submitError}
          onSubmit={() => void submit()}
        />
      </div>
      <p className="sr-only" aria-live="polite">
        {announce}
      </p>
      {docError ? <p className="muted">The page preview is unavailable: {messageOf(docError)}</p> : null}
    </section>
  );
}
