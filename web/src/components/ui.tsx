/** Small shared pieces: error messages, fields, progress, status badges, copy buttons. */
import { useId, useState, type ReactNode } from "react";
import { ApiError } from "../api/client";

export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** An error shown where it happened, announced to screen readers. */
export function ErrorText({ error, id }: { error: unknown; id?: string }) {
  if (!error) return null;
  const trace = error instanceof ApiError && error.traceId ? ` (trace ${error.traceId})` : "";
  return (
    <p className="error" role="alert" id={id}>
      {messageOf(error)}
      {trace && <span className="muted">{trace}</span>}
    </p>
  );
}

/** Field-level messages of a validation error, by field name. */
export function fieldError(err: unknown, ...names: string[]): string | undefined {
  if (!(err instanceof ApiError)) return undefined;
  for (const n of names) {
    const hit = Object.entries(err.fields).find(([k]) => k.toLowerCase() === n.toLowerCase());
    if (hit) return hit[1].join(" ");
  }
  return undefined;
}

export function Field({ label, hint, error, children }: { label: string; hint?: string; error?: string; children: (props: { id: string; "aria-describedby"?: string; "aria-invalid"?: boolean }) => ReactNode }) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errId = error ? `${id}-err` : undefined;
  const describedBy = [hintId, errId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, "aria-describedby": describedBy, "aria-invalid": error ? true : undefined })}
      {hint && (
        <small id={hintId} className="muted">
          {hint}
        </small>
      )}
      {error && (
        <small id={errId} className="error">
          {error}
        </small>
      )}
    </div>
  );
}

export function Progress({ value, label }: { value: number; label: string }) {
  const pct = Math.round(Math.max(0, Math.min(1, value)) * 100);
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
      <div className="progress-bar" style={{ width: `${pct}%` }} />
      <span className="progress-text">{pct} %</span>
      <span className="progress-text on-bar" style={{ clipPath: `inset(0 ${100 - pct}% 0 0)` }} aria-hidden="true">
        {pct} %
      </span>
    </div>
  );
}

const STATUS_CLASS: Record<string, string> = {
  finished: "ok",
  completed: "ok",
  success: "ok",
  readyForReview: "warn",
  paused: "warn",
  failed: "bad",
  expired: "bad",
  cancelled: "bad",
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge ${STATUS_CLASS[status] ?? "info"}`}>{humanStatus(status)}</span>;
}

export function humanStatus(s: string): string {
  const spaced = s.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/_/g, " ");
  return spaced.charAt(0).toUpperCase() + spaced.slice(1).toLowerCase();
}

export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="secondary"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(
          () => {
            setDone(true);
            setTimeout(() => setDone(false), 1500);
          },
          () => setDone(false),
        );
      }}
    >
      {done ? "Copied" : label}
      <span className="sr-only" aria-live="polite">
        {done ? " copied to the clipboard" : ""}
      </span>
    </button>
  );
}

export function formatDate(s?: string | null): string {
  if (!s) return "—";
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toLocaleString();
}

/** Saves a Blob as a file through a temporary object URL. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
