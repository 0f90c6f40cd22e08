/** Loads a screen's data once on mount and on demand; a failed load is kept as the screen's error. */
import { useCallback, useEffect, useRef, useState } from "react";

export function useLoader(fetch: () => Promise<void>): { reload: () => Promise<void>; error: unknown; setError: (err: unknown) => void } {
  const [error, setError] = useState<unknown>(null);
  // The latest fetch runs on every reload while `reload` itself stays stable, so callers can pass it to effects and handlers.
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;
  const reload = useCallback(async () => {
    try {
      await fetchRef.current();
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { reload, error, setError };
}
