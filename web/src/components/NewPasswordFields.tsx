/** The password and repeat-password fields of registration and of the forced reset. */
import { Field } from "./ui";

export function NewPasswordFields(props: {
  label: string;
  repeatLabel: string;
  hint: string;
  error?: string;
  minLength?: number;
  password: string;
  setPassword: (v: string) => void;
  confirm: string;
  setConfirm: (v: string) => void;
  mismatch: boolean;
}) {
  const { label, repeatLabel, hint, error, minLength, password, setPassword, confirm, setConfirm, mismatch } = props;
  return (
    <>
      <Field label={label} hint={hint} error={error}>
        {(p) => <input {...p} type="password" autoComplete="new-password" required minLength={minLength} value={password} onChange={(e) => setPassword(e.target.value)} />}
      </Field>
      <Field label={repeatLabel} error={mismatch ? "The passwords differ." : undefined}>
        {(p) => <input {...p} type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />}
      </Field>
    </>
  );
}
