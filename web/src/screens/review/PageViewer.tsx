/**
 * The page of the review screen: page and zoom toolbar, the page as pdf.js draws it, and over it every
 * finding's box (click: accept/reject) and every drawn area (drag with the mouse, or keyboard: see
 * review/keys.ts). Positions come from viewer/coords.ts; decisions go back to the screen.
 */
import { useState, type KeyboardEvent, type PointerEvent, type RefObject } from "react";
import type { Detection, ManualArea } from "../../api/redaction";
import type { PageView } from "../../hooks/usePageView";
import type { Selection } from "../../review/keys";
import { colorFor } from "../../viewer/colors";
import { rectFromPoints, rectToScreen, screenToDisplayed, type Point, type Rect } from "../../viewer/coords";
import { labelInfo } from "../../viewer/legend";
import { ErrorText } from "../../components/ui";

/** A drag shorter than this (points, either way) is a click, not an area. */
const MIN_DRAG = 3;

export interface PageViewerProps {
  pageNo: number;
  pageCount: number;
  goTo: (page: number) => void;
  view: PageView;
  canvasRef: RefObject<HTMLCanvasElement | null>;
  viewerRef: RefObject<HTMLDivElement | null>;
  overlayRef: RefObject<HTMLDivElement | null>;
  docError: unknown;
  /** Findings on this page and drawn areas on this page, with their index in the draft. */
  findings: Detection[];
  areas: Array<{ area: ManualArea; index: number }>;
  isRejected: (d: Detection) => boolean;
  selection: Selection;
  select: (s: Selection) => void;
  reviewable: boolean;
  onToggle: (d: Detection) => void;
  onDrawn: (r: Rect) => void;
  onKey: (e: KeyboardEvent<HTMLDivElement>) => void;
}

export function PageViewer(p: PageViewerProps) {
  const { view, pageNo, pageCount, goTo, selection } = p;
  const { zoom, size } = view;
  const [drag, setDrag] = useState<{ start: Point; now: Point } | null>(null);

  function localPoint(e: PointerEvent<HTMLDivElement>) {
    const rect = p.overlayRef.current!.getBoundingClientRect();
    return screenToDisplayed({ x: e.clientX - rect.left, y: e.clientY - rect.top }, zoom);
  }

  function onPointerDown(e: PointerEvent<HTMLDivElement>) {
    if (!p.reviewable || e.button !== 0 || e.target !== p.overlayRef.current) return;
    p.overlayRef.current.setPointerCapture(e.pointerId);
    const at = localPoint(e);
    setDrag({ start: at, now: at });
  }

  function onPointerMove(e: PointerEvent<HTMLDivElement>) {
    if (drag) setDrag({ ...drag, now: localPoint(e) });
  }

  function onPointerUp(e: PointerEvent<HTMLDivElement>) {
    if (!drag) return;
    const r = rectFromPoints(drag.start, localPoint(e));
    setDrag(null);
    if (r.width >= MIN_DRAG && r.height >= MIN_DRAG) p.onDrawn(r);
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    // Turning the page or Escape drops a drag in progress.
    if (e.key === "Escape" || e.key === "PageUp" || e.key === "PageDown") setDrag(null);
    p.onKey(e);
  }

  const page = (n: number) => {
    setDrag(null);
    goTo(n);
  };

  return (
    <div>
      <div className="viewer-toolbar" role="toolbar" aria-label="Page and zoom">
        <button type="button" className="secondary" onClick={() => page(pageNo - 1)} disabled={pageNo <= 1} aria-label="Previous page">
          ‹ Prev
        </button>
        <label>
          <span className="sr-only">Page number</span>
          <input type="number" min={1} max={pageCount} value={pageNo} onChange={(e) => page(Number(e.target.value))} />
        </label>
        <span>of {pageCount}</span>
        <button type="button" className="secondary" onClick={() => page(pageNo + 1)} disabled={pageNo >= pageCount} aria-label="Next page">
          Next ›
        </button>
        <span className="muted" aria-hidden="true">
          |
        </span>
        <button type="button" className="secondary" onClick={view.zoomOut} aria-label="Zoom out">
          −
        </button>
        <span aria-live="polite">{Math.round(zoom * 100)} %</span>
        <button type="button" className="secondary" onClick={view.zoomIn} aria-label="Zoom in">
          +
        </button>
        <button type="button" className="secondary" onClick={view.fitWidth}>
          Fit width
        </button>
      </div>
      <ErrorText error={p.docError} />
      <div className="viewer" ref={p.viewerRef}>
        <div className="page-wrap" style={{ width: size.width * zoom, height: size.height * zoom }}>
          <canvas ref={p.canvasRef} aria-hidden="true" />
          <div
            ref={p.overlayRef}
            className="overlay"
            tabIndex={0}
            role="application"
            aria-label={`Page ${pageNo} of ${pageCount}. ${p.findings.length} detections on this page. Press N to add an area, arrows move the selected area, Shift and arrows resize it, Delete removes it, Page Up and Page Down turn pages.`}
            data-testid="page-overlay"
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onKeyDown={onKeyDown}
          >
            {p.findings.flatMap((d) => {
              const info = labelInfo(d.label);
              return d.boxes.map((b, i) => {
                const r = rectToScreen(b, zoom);
                const rej = p.isRejected(d);
                const sel = selection?.kind === "det" && selection.id === d.id;
                return (
                  <button
                    key={`${d.id}-${i}`}
                    type="button"
                    className={`det${rej ? " rejected" : ""}${sel ? " selected" : ""}${info?.hatched ? " exposed" : ""}`}
                    data-detection-id={d.id}
                    data-label={d.label}
                    style={{ left: r.x, top: r.y, width: r.width, height: r.height, borderColor: colorFor(d.label), color: colorFor(d.label) }}
                    title={`${info ? `${info.title} (${d.label})` : d.label}: ${d.text} (${Math.round(d.score * 100)} %)`}
                    aria-label={`${info ? `${info.title}, ${d.label}` : d.label} "${d.text}", ${rej ? "rejected" : "accepted"}`}
                    aria-pressed={!rej}
                    tabIndex={i === 0 ? 0 : -1}
                    disabled={!p.reviewable}
                    onClick={() => {
                      p.select({ kind: "det", id: d.id });
                      p.onToggle(d);
                    }}
                  />
                );
              });
            })}
            {p.areas.map(({ area, index }) => {
              const r = rectToScreen(area, zoom);
              const sel = selection?.kind === "area" && selection.index === index;
              return (
                <button
                  key={`area-${index}`}
                  type="button"
                  className={`det manual${sel ? " selected" : ""}`}
                  data-area-index={index}
                  style={{ left: r.x, top: r.y, width: r.width, height: r.height }}
                  aria-label={`Drawn area ${index + 1} (${area.label}), ${Math.round(area.width)} by ${Math.round(area.height)} points${sel ? ", selected" : ""}`}
                  disabled={!p.reviewable}
                  onClick={() => p.select({ kind: "area", index })}
                  onKeyDown={(e) => {
                    if (["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Delete", "Backspace"].includes(e.key)) p.select({ kind: "area", index });
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
      {p.reviewable && (
        <p className="muted small-print">
          Draw an area by dragging on the page, or focus the page and press <span className="kbd">N</span>. Click a box to accept or reject it.
        </p>
      )}
    </div>
  );
}
