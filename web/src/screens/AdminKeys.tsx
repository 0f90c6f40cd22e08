/** API keys: create with an expiry (raw key shown once, with a copy button), list, revoke. */
import { useState, type FormEvent } from "react";
import { createKey, listKeys, listUsers, rawKeyOf, revokeKey, type ApiKey, type User } from "../api/admin";
import { ACTIONS_HEADING, EmptyRow, Table } from "../components/Table";
import { CopyButton, ErrorText, Field, fieldError, formatDate } from "../components/ui";
import { useLoader } from "../hooks/useLoader";
import { useScreenTitle } from "../router";

function inMonths(n: number): string {
  const d = new Date();
  d.setMonth(d.getMonth() + n);
  return d.toISOString().slice(0, 10);
}

export default function AdminKeys() {
  useScreenTitle("API keys");
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [users, setUsers] = useState<User[]>([]);
  const [name, setName] = useState("");
  const [userId, setUserId] = useState("");
  const [expires, setExpires] = useState(inMonths(3));
  const [createError, setCreateError] = useState<unknown>(null);
  const [raw, setRaw] = useState<{ name: string; key: string } | null>(null);

  const { reload: load, error, setError } = useLoader(async () => {
    const [k, u] = await Promise.all([listKeys(), listUsers()]);
    setKeys(k);
    setUsers(u);
    setUserId((cur) => cur || u[0]?.id || "");
  });

  async function create(e: FormEvent) {
    e.preventDefault();
    setCreateError(null);
    setRaw(null);
    try {
      const body = await createKey({ name, userId, expiresAt: new Date(`${expires}T23:59:59Z`).toISOString() });
      const key = rawKeyOf(body);
      if (key) setRaw({ name, key });
      setName("");
      await load();
    } catch (err) {
      setCreateError(err);
    }
  }

  const emailOf = (id: string) => users.find((u) => u.id === id)?.email ?? id;
  const stateOf = (k: ApiKey) => (k.revokedAt ? "revoked" : typeof k.status === "string" ? k.status : new Date(k.expiresAt) < new Date() ? "expired" : "active");

  return (
    <section>
      <h1 tabIndex={-1}>API keys</h1>
      <form className="panel" onSubmit={create} aria-label="Create an API key">
        <h2>New key</h2>
        <div className="row">
          <Field label="Name" error={fieldError(createError, "name")}>
            {(p) => <input {...p} required value={name} onChange={(e) => setName(e.target.value)} placeholder="CI pipeline" />}
          </Field>
          <Field label="Acts as user" error={fieldError(createError, "userId")}>
            {(p) => (
              <select {...p} value={userId} onChange={(e) => setUserId(e.target.value)}>
                {users.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.email}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Expires on" hint="At most 12 months ahead." error={fieldError(createError, "expiresAt")}>
            {(p) => <input {...p} type="date" required min={inMonths(0)} max={inMonths(12)} value={expires} onChange={(e) => setExpires(e.target.value)} />}
          </Field>
          <div className="field button-cell">
            <button type="submit" disabled={!name || !userId || !expires}>
              Create key
            </button>
          </div>
        </div>
        <ErrorText error={createError} />
      </form>
      {raw && (
        <div className="panel" role="alert" aria-label="New API key">
          <h2>Key “{raw.name}” created</h2>
          <p>Copy it now: it is shown only this once and cannot be retrieved later.</p>
          <p className="key-box" data-testid="raw-key">
            {raw.key}
          </p>
          <div className="actions">
            <CopyButton text={raw.key} label="Copy key" />
            <button type="button" className="secondary" onClick={() => setRaw(null)}>
              Done
            </button>
          </div>
        </div>
      )}
      <ErrorText error={error} />
      <Table columns={["Name", "Key", "User", "Expires", "Last used", "State", ACTIONS_HEADING]}>
        {keys.map((k) => {
          const st = stateOf(k);
          return (
            <tr key={k.id} data-key-id={k.id}>
              <td>{k.name}</td>
              <td>
                <code>{k.prefix ? `${k.prefix}…` : "—"}</code>
              </td>
              <td>{emailOf(k.userId)}</td>
              <td>{formatDate(k.expiresAt)}</td>
              <td>{formatDate(k.lastUsedAt)}</td>
              <td>{st === "active" ? <span className="badge ok">Active</span> : <span className="badge bad">{st}</span>}</td>
              <td>
                {st === "active" && (
                  <button
                    type="button"
                    className="danger small"
                    onClick={() => {
                      if (window.confirm(`Revoke the key “${k.name}”? Requests using it fail from now on.`)) void revokeKey(k.id).then(load, setError);
                    }}
                  >
                    Revoke<span className="sr-only"> {k.name}</span>
                  </button>
                )}
              </td>
            </tr>
          );
        })}
        {keys.length === 0 && <EmptyRow colSpan={7}>No keys yet.</EmptyRow>}
      </Table>
    </section>
  );
}
