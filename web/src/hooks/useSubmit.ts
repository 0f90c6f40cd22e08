/** A form submission: busy while it runs, its error kept (and cleared on the next attempt). */
import { useState, type FormEvent } from "react";

export function useSubmit(run: () => Promise<void>, blocked = false): { busy: boolean; error: unknown; submit: (e: FormEvent) => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    // A blocked form (e.g. repeated password differs) does nothing, not even clear the last error.
    if (blocked) return;
    setBusy(true);
    setError(null);
    try {
      await run();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, submit };
}
