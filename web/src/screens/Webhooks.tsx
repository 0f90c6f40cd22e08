/** Webhooks: register an endpoint (its signing secret shown once), list, delete, see deliveries, redeliver. */
import { useState, type FormEvent } from "react";
import { isAdmin } from "../api/auth";
import { createWebhook, deleteWebhook, EVENTS, listDeliveries, listWebhooks, redeliver, type Delivery, type WebhookEndpoint } from "../api/webhooks";
import { useSession } from "../auth";
import { ACTIONS_HEADING, EmptyRow, Table } from "../components/Table";
import { CopyButton, ErrorText, Field, fieldError, formatDate } from "../components/ui";
import { useLoader } from "../hooks/useLoader";
import { useScreenTitle } from "../router";

const STATE: Record<Delivery["status"], string> = { pending: "badge", delivering: "badge", delivered: "badge ok", failed: "badge bad" };

function Deliveries({ hook, onClose }: { hook: WebhookEndpoint; onClose: () => void }) {
  const [items, setItems] = useState<Delivery[]>([]);
  const { reload, error, setError } = useLoader(async () => setItems((await listDeliveries(hook.id)).items ?? []));
  return (
    <div className="panel" aria-label={`Deliveries of ${hook.url}`}>
      <div className="actions">
        <h2 style={{ margin: 0 }}>Deliveries to {hook.url}</h2>
        <button type="button" className="secondary" onClick={() => void reload()}>
          Refresh
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
      <ErrorText error={error} />
      <Table columns={["Event", "Job or batch", "Status", "Attempts", "Last answer", "Created", ACTIONS_HEADING]} live>
        {items.map((d) => {
          const last = d.attemptLog[d.attemptLog.length - 1];
          return (
            <tr key={d.id} data-delivery-id={d.id}>
              <td>{d.event}</td>
              <td>
                <code>{d.subject.id}</code>
              </td>
              <td>
                <span className={STATE[d.status]}>{d.status}</span>
              </td>
              <td>{d.attempts}</td>
              <td>{last ? (last.statusCode ? `HTTP ${last.statusCode}` : last.error ?? "—") : "—"}</td>
              <td>{formatDate(d.createdAt)}</td>
              <td>
                {(d.status === "delivered" || d.status === "failed") && (
                  <button type="button" className="secondary small" onClick={() => void redeliver(hook.id, d.id).then(reload, setError)}>
                    Redeliver<span className="sr-only"> {d.event} of {d.subject.id}</span>
                  </button>
                )}
              </td>
            </tr>
          );
        })}
        {items.length === 0 && <EmptyRow colSpan={7}>No deliveries yet.</EmptyRow>}
      </Table>
    </div>
  );
}

export default function Webhooks() {
  useScreenTitle("Webhooks");
  const session = useSession();
  const admin = isAdmin(session.me);
  const [hooks, setHooks] = useState<WebhookEndpoint[]>([]);
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<string[]>(["job.readyForReview", "job.finished", "job.failed"]);
  const [allJobs, setAllJobs] = useState(false);
  const [description, setDescription] = useState("");
  const [createError, setCreateError] = useState<unknown>(null);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [open, setOpen] = useState<WebhookEndpoint | null>(null);
  const { reload: load, error, setError } = useLoader(async () => setHooks(await listWebhooks()));

  async function create(e: FormEvent) {
    e.preventDefault();
    setCreateError(null);
    setSecret(null);
    try {
      const made = await createWebhook({ url, events, description: description || undefined, ...(admin && allJobs ? { allJobs: true } : {}) });
      setSecret({ url: made.url, secret: made.secret });
      setUrl("");
      setDescription("");
      await load();
    } catch (err) {
      setCreateError(err);
    }
  }

  const toggle = (ev: string) => setEvents((cur) => (cur.includes(ev) ? cur.filter((x) => x !== ev) : [...cur, ev]));

  return (
    <section>
      <h1 tabIndex={-1}>Webhooks</h1>
      <form className="panel" onSubmit={create} aria-label="Register a webhook">
        <h2>New endpoint</h2>
        <p className="muted">docmill POSTs a signed message (Standard Webhooks) to this URL when one of your jobs reaches a chosen state.</p>
        <div className="row">
          <Field label="Endpoint URL" error={fieldError(createError, "url")}>
            {(p) => <input {...p} type="url" required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/docmill-events" />}
          </Field>
          <Field label="Description" error={fieldError(createError, "description")}>
            {(p) => <input {...p} value={description} maxLength={200} onChange={(e) => setDescription(e.target.value)} />}
          </Field>
        </div>
        <fieldset>
          <legend>Events</legend>
          {EVENTS.map((ev) => (
            <label key={ev} style={{ marginRight: "1em" }}>
              <input type="checkbox" checked={events.includes(ev)} onChange={() => toggle(ev)} /> {ev}
            </label>
          ))}
          {fieldError(createError, "events") && <p className="error">{fieldError(createError, "events")}</p>}
        </fieldset>
        {admin && (
          <label>
            <input type="checkbox" checked={allJobs} onChange={(e) => setAllJobs(e.target.checked)} /> Events of every user's jobs (administrators)
          </label>
        )}
        <div className="actions">
          <button type="submit" disabled={!url || events.length === 0}>
            Register endpoint
          </button>
        </div>
        <ErrorText error={createError} />
      </form>
      {secret && (
        <div className="panel" role="alert" aria-label="Signing secret">
          <h2>Endpoint registered</h2>
          <p>Copy the signing secret now: it is shown only this once. Verify every delivery with it (docs/webhooks.md).</p>
          <p className="key-box" data-testid="webhook-secret">
            {secret.secret}
          </p>
          <div className="actions">
            <CopyButton text={secret.secret} label="Copy secret" />
            <button type="button" className="secondary" onClick={() => setSecret(null)}>
              Done
            </button>
          </div>
        </div>
      )}
      <ErrorText error={error} />
      <Table columns={["URL", "Events", "Scope", "Created", ACTIONS_HEADING]}>
        {hooks.map((h) => (
          <tr key={h.id} data-webhook-id={h.id}>
            <td>
              <code>{h.url}</code>
              {h.description && <div className="muted">{h.description}</div>}
            </td>
            <td>{h.events.join(", ")}</td>
            <td>{h.allJobs ? "All users' jobs" : "My jobs"}</td>
            <td>{formatDate(h.createdAt)}</td>
            <td>
              <button type="button" className="secondary small" onClick={() => setOpen(h)}>
                Deliveries<span className="sr-only"> of {h.url}</span>
              </button>{" "}
              <button
                type="button"
                className="danger small"
                onClick={() => {
                  if (window.confirm(`Delete the endpoint ${h.url} and its delivery log?`)) {
                    if (open?.id === h.id) setOpen(null);
                    void deleteWebhook(h.id).then(load, setError);
                  }
                }}
              >
                Delete<span className="sr-only"> {h.url}</span>
              </button>
            </td>
          </tr>
        ))}
        {hooks.length === 0 && <EmptyRow colSpan={5}>No endpoints yet.</EmptyRow>}
      </Table>
      {open && <Deliveries key={open.id} hook={open} onClose={() => setOpen(null)} />}
    </section>
  );
}
