/**
 * The side list of the review screen: the count, submit, keyword exclusions, the label for drawn areas,
 * every finding grouped by label (with its colour and, where the name does not say it, what the label
 * means), and the drawn areas.
 */
import { useState } from "react";
import type { Detection } from "../../api/redaction";
import { ErrorText } from "../../components/ui";
import type { Draft, DraftAction } from "../../review/draft";
import type { Selection } from "../../review/keys";
import { colorFor } from "../../viewer/colors";
import { labelInfo } from "../../viewer/legend";

export interface DetectionPanelProps {
  detections: Detection[];
  groups: Array<[string, Detection[]]>;
  draft: Draft;
  dispatch: (a: DraftAction) => void;
  isRejected: (d: Detection) => boolean;
  reviewable: boolean;
  busy: boolean;
  selection: Selection;
  onToggle: (d: Detection) => void;
  onShow: (d: Detection) => void;
  onShowArea: (index: number) => void;
  onRemoveArea: (index: number) => void;
  areaLabel: string;
  setAreaLabel: (label: string) => void;
  areaLabels: string[];
  submitting: boolean;
  submitError: unknown;
  onSubmit: () => void;
}

export function DetectionPanel(p: DetectionPanelProps) {
  const { draft, dispatch, isRejected, reviewable } = p;
  const [exclusionInput, setExclusionInput] = useState("");
  const acceptedCount = p.detections.filter((d) => !isRejected(d)).length;

  return (
    <aside className="side" aria-label="Detections">
      <h2>Detections</h2>
      {reviewable ? (
        <p>
          {acceptedCount} of {p.detections.length} will be redacted; {draft.areas.length} drawn area{draft.areas.length === 1 ? "" : "s"}.
        </p>
      ) : (
        // Once submitted, what was decided is the job's review summary; this page's draft may be gone (a reload).
        p.detections.length > 0 && <p>{p.detections.length} detection{p.detections.length === 1 ? "" : "s"}.</p>
      )}
      {reviewable && (
        <>
          <div className="actions">
            <button type="button" onClick={p.onSubmit} disabled={p.submitting}>
              {p.submitting ? "Submitting…" : "Submit redaction"}
            </button>
          </div>
          <ErrorText error={p.submitError} />
          <form
            className="field"
            onSubmit={(e) => {
              e.preventDefault();
              dispatch({ type: "addExclusion", word: exclusionInput });
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
                    <button type="button" className="link" aria-label={`Remove exclusion ${w}`} onClick={() => dispatch({ type: "removeExclusion", word: w })}>
                      ×
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </form>
          <div className="field">
            <label htmlFor="area-label">Label for drawn areas</label>
            <select id="area-label" value={p.areaLabel} onChange={(e) => p.setAreaLabel(e.target.value)}>
              {p.areaLabels.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
          </div>
        </>
      )}
      {p.groups.map(([label, items]) => (
        <LabelGroup key={label} label={label} items={items} {...p} />
      ))}
      {draft.areas.length > 0 && (
        <div className="group">
          <h3>Drawn areas ({draft.areas.length})</h3>
          <ul className="det-list">
            {draft.areas.map((a, i) => (
              <li key={i}>
                <button type="button" className="link text" onClick={() => p.onShowArea(i)}>
                  {a.label} on page {a.page}
                </button>
                {reviewable && (
                  <button type="button" className="danger small" onClick={() => p.onRemoveArea(i)} aria-label={`Remove drawn area ${i + 1}`}>
                    Remove
                  </button>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      {p.detections.length === 0 && !p.busy && <p className="muted">No detections in this document.</p>}
    </aside>
  );
}

function LabelGroup({ label, items, ...p }: DetectionPanelProps & { label: string; items: Detection[] }) {
  const acc = items.filter((d) => !p.isRejected(d)).length;
  const info = labelInfo(label);
  const descId = `label-info-${label}`;
  return (
    <div className="group" data-group={label} aria-describedby={info ? descId : undefined}>
      <div className="group-head">
        <h3>
          <span className={`swatch${info?.hatched ? " exposed" : ""}`} style={info?.hatched ? { color: colorFor(label) } : { background: colorFor(label) }} aria-hidden="true" />{" "}
          {info ? `${info.title} ` : ""}
          {info ? <span className="label-code">{label}</span> : label} <span className="muted">({items.length})</span>
        </h3>
        {info && (
          <p className="label-info" id={descId} data-testid="label-info">
            {info.explanation}
          </p>
        )}
        {p.reviewable && (
          <span className="actions small">
            <button type="button" className="secondary" aria-label={`Accept all ${label}`} onClick={() => p.dispatch({ type: "setRejected", ids: items.map((d) => d.id), reject: false })} disabled={acc === items.length}>
              Accept all
            </button>
            <button type="button" className="secondary" aria-label={`Reject all ${label}`} onClick={() => p.dispatch({ type: "setRejected", ids: items.map((d) => d.id), reject: true })} disabled={acc === 0}>
              Reject all
            </button>
          </span>
        )}
      </div>
      <ul className="det-list">
        {items.map((d) => {
          const rej = p.isRejected(d);
          return (
            <li key={d.id} className={`${rej ? "rejected" : ""}${p.selection?.kind === "det" && p.selection.id === d.id ? " current" : ""}`}>
              <input type="checkbox" id={`det-${d.id}`} checked={!rej} disabled={!p.reviewable} onChange={() => p.onToggle(d)} aria-label={`Redact ${label} "${d.text}" on page ${d.page}`} />
              <button type="button" className="link text" onClick={() => p.onShow(d)} aria-label={`Show "${d.text}" on page ${d.page}`}>
                {d.text}
              </button>
              <span className="muted">p.{d.page}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
