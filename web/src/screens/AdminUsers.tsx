/** Administration of users: create, disable/enable, role, password reset. */
import { useState, type FormEvent } from "react";
import { adminResetPassword, createUser, listUsers, setActive, setRoles, type User } from "../api/admin";
import { isAdmin } from "../api/auth";
import { Table } from "../components/Table";
import { ErrorText, Field, fieldError, formatDate } from "../components/ui";
import { useLoader } from "../hooks/useLoader";
import { useScreenTitle } from "../router";

export default function AdminUsers() {
  useScreenTitle("Users");
  const [users, setUsers] = useState<User[]>([]);
  const [rowError, setRowError] = useState<{ id: string; error: unknown } | null>(null);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState("User");
  const [createError, setCreateError] = useState<unknown>(null);
  const [notice, setNotice] = useState("");

  const { reload: load, error } = useLoader(async () => {
    setUsers(await listUsers());
  });

  async function create(e: FormEvent) {
    e.preventDefault();
    setCreateError(null);
    try {
      await createUser({ email, password, roles: role === "Admin" ? ["Admin", "User"] : ["User"] });
      setNotice(`User ${email} created.`);
      setEmail("");
      setPassword("");
      await load();
    } catch (err) {
      setCreateError(err);
    }
  }

  async function act(u: User, fn: () => Promise<unknown>, done: string) {
    setRowError(null);
    try {
      await fn();
      setNotice(done);
      await load();
    } catch (err) {
      setRowError({ id: u.id, error: err });
    }
  }

  return (
    <section>
      <h1 tabIndex={-1}>Users</h1>
      <form className="panel" onSubmit={create} aria-label="Create a user">
        <h2>New user</h2>
        <div className="row">
          <Field label="Email" error={fieldError(createError, "email")}>
            {(p) => <input {...p} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />}
          </Field>
          <Field label="Initial password" error={fieldError(createError, "password")}>
            {(p) => <input {...p} type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} />}
          </Field>
          <Field label="Role">
            {(p) => (
              <select {...p} value={role} onChange={(e) => setRole(e.target.value)}>
                <option>User</option>
                <option>Admin</option>
              </select>
            )}
          </Field>
          <div className="field button-cell">
            <button type="submit" disabled={!email || !password}>
              Create
            </button>
          </div>
        </div>
        <ErrorText error={createError} />
      </form>
      {notice && (
        <p role="status" className="ok-text">
          {notice}
        </p>
      )}
      <ErrorText error={error} />
      <Table columns={["User", "Role", "State", "Created", "Actions"]}>
        {users.map((u) => {
          const admin = isAdmin(u);
          const active = u.isActive !== false;
          return (
            <tr key={u.id}>
              <td>
                {u.email}
                {u.userName && u.userName !== u.email && <div className="muted">{u.userName}</div>}
              </td>
              <td>
                <select
                  aria-label={`Role of ${u.email}`}
                  value={admin ? "Admin" : "User"}
                  onChange={(e) => void act(u, () => setRoles(u.id, e.target.value === "Admin" ? ["Admin", "User"] : ["User"]), `Role of ${u.email} changed.`)}
                >
                  <option>User</option>
                  <option>Admin</option>
                </select>
              </td>
              <td>
                {active ? "Active" : <span className="error">Disabled</span>}
                {u.passwordResetRequired && <div className="muted">must set a new password</div>}
              </td>
              <td>{formatDate(u.createdAt)}</td>
              <td>
                <div className="actions small">
                  <button type="button" className={active ? "danger" : "secondary"} onClick={() => void act(u, () => setActive(u.id, !active), `${u.email} ${active ? "disabled" : "enabled"}.`)}>
                    {active ? "Disable" : "Enable"}
                    <span className="sr-only"> {u.email}</span>
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => {
                      const pw = window.prompt(`Temporary password for ${u.email} (they must change it on sign-in):`);
                      if (pw) void act(u, () => adminResetPassword(u.id, pw), `Password of ${u.email} reset.`);
                    }}
                  >
                    Reset password<span className="sr-only"> of {u.email}</span>
                  </button>
                </div>
                {rowError?.id === u.id && <ErrorText error={rowError.error} />}
              </td>
            </tr>
          );
        })}
      </Table>
    </section>
  );
}
