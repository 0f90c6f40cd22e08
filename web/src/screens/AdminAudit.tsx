/** The audit log for admins: who did what, when, from where; filters and "load more" paging. */
import { useState, type FormEvent } from "react";
import { listAudit, type AuditEntry, type AuditFilters } from "../api/insights";
import { listUsers } from "../api/admin";
import { EmptyRow, Table } from "../components/Table";
import { ErrorText, Field, fieldError, formatDate } from "../components/ui";
import { useLoader } from "../hooks/useLoader";
import { useScreenTitle } from "../router";

const ACTIONS = ["", "auth.", "user.", "key.", "job.", "batch.", "review.", "file.", "detection_configuration."];

function details(e: AuditEntry): string {
  return Object.entries(e.details)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : String(v)}`)
    .join("; ");
}

export default function AdminAudit() {
  useScreenTitle("Audit log");
  const [draft, setDraft] = useState<AuditFilters>({});
  const [filters, setFilters] = useState<AuditFilters>({});
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  // User ids are shown with the account's e-mail (the log itself keeps ids only).
  const [emails, setEmails] = useState<Map<string, string>>(new Map());

  const { reload, error, setError } = useLoader(async () => {
    const [page, users] = await Promise.all([listAudit(filters), listUsers()]);
    setItems(page.items);
    setCursor(page.nextCursor);
    setEmails(new Map(users.map((u) => [u.id, u.email])));
  });
  const who = (id: string | null) => (id && emails.get(id)) || id;

  async function apply(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const next: AuditFilters = { ...draft, from: draft.from ? new Date(draft.from).toISOString() : undefined, to: draft.to ? new Date(draft.to).toISOString() : undefined };
    try {
      const page = await listAudit(next);
      setFilters(next);
      setItems(page.items);
      setCursor(page.nextCursor);
    } catch (err) {
      setError(err);
    }
  }

  async function more() {
    try {
      const page = await listAudit(filters, cursor);
      setItems((cur) => [...cur, ...page.items]);
      setCursor(page.nextCursor);
    } catch (err) {
      setError(err);
    }
  }

  const set = (k: keyof AuditFilters) => (v: string) => setDraft((d) => ({ ...d, [k]: v || undefined }));

  return (
    <section>
      <h1 tabIndex={-1}>Audit log</h1>
      <form className="panel" onSubmit={apply} aria-label="Filter the audit log">
        <div className="row">
          <Field label="Action" error={fieldError(error, "action")}>
            {(p) => (
              <select {...p} value={draft.action ?? ""} onChange={(e) => set("action")(e.target.value)}>
                {ACTIONS.map((a) => (
                  <option key={a} value={a}>
                    {a ? a.replace(/\.$/, "") : "Every action"}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Outcome">
            {(p) => (
              <select {...p} value={draft.outcome ?? ""} onChange={(e) => set("outcome")(e.target.value)}>
                <option value="">Any</option>
                <option value="success">Success</option>
                <option value="failure">Failure</option>
              </select>
            )}
          </Field>
          <Field label="Actor id" error={fieldError(error, "actorId")}>
            {(p) => <input {...p} value={draft.actorId ?? ""} onChange={(e) => set("actorId")(e.target.value.trim())} />}
          </Field>
          <Field label="Target id" error={fieldError(error, "targetId")}>
            {(p) => <input {...p} value={draft.targetId ?? ""} onChange={(e) => set("targetId")(e.target.value.trim())} />}
          </Field>
          <Field label="From" error={fieldError(error, "from")}>
            {(p) => <input {...p} type="datetime-local" value={draft.from ?? ""} onChange={(e) => set("from")(e.target.value)} />}
          </Field>
          <Field label="To" error={fieldError(error, "to")}>
            {(p) => <input {...p} type="datetime-local" value={draft.to ?? ""} onChange={(e) => set("to")(e.target.value)} />}
          </Field>
          <div className="field button-cell">
            <button type="submit">Apply filters</button>
          </div>
        </div>
      </form>
      <ErrorText error={error} />
      <Table columns={["Time", "Action", "Outcome", "Actor", "Target", "Details", "Address", "Request id"]} live>
        {items.map((e) => (
          <tr key={e.id} data-audit-action={e.action}>
            <td>{formatDate(e.at)}</td>
            <td>
              <code>{e.action}</code>
            </td>
            <td>{e.outcome === "success" ? <span className="badge ok">Success</span> : <span className="badge bad">{e.error ?? "Failure"}</span>}</td>
            <td>
              {e.actor.id ? <span title={e.actor.id}>{who(e.actor.id)}</span> : <span className="muted">anonymous</span>}
              {e.actor.via === "apiKey" && <span className="muted"> (API key)</span>}
            </td>
            <td>
              {e.target.type} {e.target.id && <code title={e.target.id}>{e.target.type === "user" ? who(e.target.id) : e.target.id}</code>}
            </td>
            <td>{details(e) || "—"}</td>
            <td>{e.ip ?? "—"}</td>
            <td>
              <code>{e.requestId ?? "—"}</code>
            </td>
          </tr>
        ))}
        {items.length === 0 && <EmptyRow colSpan={8}>No entries match.</EmptyRow>}
      </Table>
      <div className="actions">
        {cursor && (
          <button type="button" className="secondary" onClick={() => void more()}>
            Load more
          </button>
        )}
        <button type="button" className="secondary" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
    </section>
  );
}
