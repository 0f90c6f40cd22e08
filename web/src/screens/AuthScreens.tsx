/** Sign in, register, and the forced new password of the seeded administrator. */
import { useState } from "react";
import * as authApi from "../api/auth";
import { useSession } from "../auth";
import { NewPasswordFields } from "../components/NewPasswordFields";
import { ErrorText, Field, fieldError } from "../components/ui";
import { useNewPassword } from "../hooks/useNewPassword";
import { useSubmit } from "../hooks/useSubmit";
import { Link, navigate, useScreenTitle } from "../router";

export function SignIn() {
  useScreenTitle("Sign in");
  const session = useSession();
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const { busy, error, submit } = useSubmit(async () => {
    await session.signIn(login, password);
    const next = new URLSearchParams(window.location.search).get("next");
    navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : "/", { replace: true });
  });

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
  const pw = useNewPassword();
  const { busy, error, submit } = useSubmit(async () => {
    await authApi.register(email, pw.password, fullName);
    await session.signIn(email, pw.password);
    navigate("/", { replace: true });
  }, pw.mismatch);

  return (
    <div className="auth-card">
      <h1 tabIndex={-1}>Create an account</h1>
      <form onSubmit={submit} noValidate>
        <Field label="Email" error={fieldError(error, "email")}>
          {(p) => <input {...p} type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <Field label="Full name (optional)">{(p) => <input {...p} autoComplete="name" value={fullName} onChange={(e) => setFullName(e.target.value)} />}</Field>
        <NewPasswordFields {...pw} label="Password" repeatLabel="Repeat the password" hint="At least 8 characters." minLength={8} error={fieldError(error, "password")} />
        <ErrorText error={error} />
        <button type="submit" disabled={busy || !email || pw.password.length < 8 || pw.mismatch || !pw.confirm}>
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
  const pw = useNewPassword();
  const { busy, error, submit } = useSubmit(async () => {
    await authApi.resetPassword(pw.password);
    await session.afterReset();
    navigate("/", { replace: true });
  }, pw.mismatch);

  return (
    <div className="auth-card">
      <h1 tabIndex={-1}>Set a new password</h1>
      <p>This account still has its initial password. Choose a new one before you continue.</p>
      <form onSubmit={submit} noValidate>
        <NewPasswordFields
          {...pw}
          label="New password"
          repeatLabel="Repeat the new password"
          hint="Upper and lower case letters, a digit and a symbol; at least 8 characters."
          error={fieldError(error, "newPassword", "password")}
        />
        <ErrorText error={error} />
        <button type="submit" disabled={busy || !pw.password || pw.mismatch || !pw.confirm}>
          {busy ? "Saving…" : "Save and continue"}
        </button>
        <button type="button" className="link" onClick={() => void session.signOut()}>
          Sign out
        </button>
      </form>
    </div>
  );
}
