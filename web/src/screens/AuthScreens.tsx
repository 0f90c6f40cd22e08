/** Sign in, register, and the forced new password of the seeded administrator. */
import { useState, type FormEvent } from "react";
import * as authApi from "../api/auth";
import { useSession } from "../auth";
import { ErrorText, Field, fieldError } from "../components/ui";
import { Link, navigate, useScreenTitle } from "../router";

export function SignIn() {
  useScreenTitle("Sign in");
  const session = useSession();
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await session.signIn(login, password);
      const next = new URLSearchParams(window.location.search).get("next");
      navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : "/", { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="auth-card">
      <h1 tabIndex={-1}>Sign in to docmill</h1>
      <form onSubmit={submit} noValidate>
        <Field label="Email or user name">{(p) => <input {...p} name="login" autoComplete="username" required value={login} onChange={(e) => setLogin(e.target.value)} />}</Field>
        <Field label="Password">
          {(p) => <input {...p} name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        <ErrorText error={error} />
        <button type="submit" disabled={busy || !login || !password}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p>
        No account yet? <Link to="/register">Create one</Link>
      </p>
    </div>
  );
}

export function Register() {
  useScreenTitle("Create an account");
  const session = useSession();
  const [email, setEmail] = useState("");
  const [fullName, setFullName] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const mismatch = confirm.length > 0 && confirm !== password;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(null);
    try {
      await authApi.register(email, password, fullName);
      await session.signIn(email, password);
      navigate("/", { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="auth-card">
      <h1 tabIndex={-1}>Create an account</h1>
      <form onSubmit={submit} noValidate>
        <Field label="Email" error={fieldError(error, "email")}>
          {(p) => <input {...p} type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <Field label="Full name (optional)">{(p) => <input {...p} autoComplete="name" value={fullName} onChange={(e) => setFullName(e.target.value)} />}</Field>
        <Field label="Password" hint="At least 8 characters." error={fieldError(error, "password")}>
          {(p) => <input {...p} type="password" autoComplete="new-password" required minLength={8} value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        <Field label="Repeat the password" error={mismatch ? "The passwords differ." : undefined}>
          {(p) => <input {...p} type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />}
        </Field>
        <ErrorText error={error} />
        <button type="submit" disabled={busy || !email || password.length < 8 || mismatch || !confirm}>
          {busy ? "Creating…" : "Create account"}
        </button>
      </form>
      <p>
        Already registered? <Link to="/login">Sign in</Link>
      </p>
    </div>
  );
}

export function ForcedReset() {
  useScreenTitle("Set a new password");
  const session = useSession();
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const mismatch = confirm.length > 0 && confirm !== password;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(null);
    try {
      await authApi.resetPassword(password);
      await session.afterReset();
      navigate("/", { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="auth-card">
      <h1 tabIndex={-1}>Set a new password</h1>
      <p>This account still has its initial password. Choose a new one before you continue.</p>
      <form onSubmit={submit} noValidate>
        <Field label="New password" hint="Upper and lower case letters, a digit and a symbol; at least 8 characters." error={fieldError(error, "newPassword", "password")}>
          {(p) => <input {...p} type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        <Field label="Repeat the new password" error={mismatch ? "The passwords differ." : undefined}>
          {(p) => <input {...p} type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />}
        </Field>
        <ErrorText error={error} />
        <button type="submit" disabled={busy || !password || mismatch || !confirm}>
          {busy ? "Saving…" : "Save and continue"}
        </button>
        <button type="button" className="link" onClick={() => void session.signOut()}>
          Sign out
        </button>
      </form>
    </div>
  );
}
