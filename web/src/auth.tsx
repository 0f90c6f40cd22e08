/** Session state: who is signed in, restored on reload through the refresh cookie. */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import * as authApi from "./api/auth";
import { onTokenChange, refreshSession, setToken } from "./api/client";

interface Session {
  ready: boolean;
  me: authApi.Me | null;
  /** The token says the password must change before anything else. */
  mustReset: boolean;
  signIn(login: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  afterReset(): Promise<void>;
}

const Ctx = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(Ctx);
  if (!s) throw new Error("useSession outside SessionProvider");
  return s;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [ready, setReady] = useState(false);
  const [me, setMe] = useState<authApi.Me | null>(null);
  const [mustReset, setMustReset] = useState(false);

  const load = useCallback(async (token: string | null) => {
    if (!token) {
      setMe(null);
      setMustReset(false);
      return;
    }
    setMustReset(authApi.resetRequired(token));
    try {
      setMe(await authApi.me());
    } catch {
      setMe(null);
    }
  }, []);

  useEffect(() => {
    // A reload keeps nothing in memory: the refresh cookie brings the session back.
    let alive = true;
    void (async () => {
      const token = await refreshSession();
      if (alive) {
        await load(token);
        setReady(true);
      }
    })();
    const off = onTokenChange((t) => {
      if (!t) {
        setMe(null);
        setMustReset(false);
      }
    });
    return () => {
      alive = false;
      off();
    };
  }, [load]);

  const value: Session = {
    ready,
    me,
    mustReset,
    async signIn(login, password) {
      const token = await authApi.login(login, password);
      await load(token);
    },
    async signOut() {
      await authApi.logout().catch(() => setToken(null));
      setMe(null);
    },
    async afterReset() {
      setMustReset(false);
      setMe(await authApi.me());
    },
  };
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}
