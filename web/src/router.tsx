/**
 * A small history-API router: the app has a dozen screens under /app/, not worth a dependency.
 * The gateway answers index.html for every /app/ path, so any URL can be reloaded or bookmarked.
 */
import { useEffect, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from "react";

export const BASE = "/app";

function subscribe(cb: () => void): () => void {
  window.addEventListener("popstate", cb);
  window.addEventListener("docmill:navigate", cb);
  return () => {
    window.removeEventListener("popstate", cb);
    window.removeEventListener("docmill:navigate", cb);
  };
}

/** The path inside the app ("/redact/abc"), without the /app prefix. */
function snapshot(): string {
  const p = window.location.pathname;
  const inner = p.startsWith(BASE) ? p.slice(BASE.length) : p;
  return (inner || "/") + window.location.search;
}

export function useLocation(): { path: string; query: URLSearchParams } {
  const full = useSyncExternalStore(subscribe, snapshot);
  const i = full.indexOf("?");
  return { path: i < 0 ? full : full.slice(0, i), query: new URLSearchParams(i < 0 ? "" : full.slice(i)) };
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const url = BASE + (to.startsWith("/") ? to : `/${to}`);
  if (opts.replace) window.history.replaceState(null, "", url);
  else window.history.pushState(null, "", url);
  window.dispatchEvent(new Event("docmill:navigate"));
}

/** Matches "/redact/:id" against a path; returns the params or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const ps = pattern.split("/").filter(Boolean);
  const xs = path.split("/").filter(Boolean);
  if (ps.length !== xs.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < ps.length; i++) {
    if (ps[i].startsWith(":")) out[ps[i].slice(1)] = decodeURIComponent(xs[i]);
    else if (ps[i] !== xs[i]) return null;
  }
  return out;
}

export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const go = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={BASE + to} onClick={go} {...rest} />;
}

/** Sets the document title and moves focus to the main heading so screen readers announce the new screen. */
export function useScreenTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · docmill`;
    const h = document.querySelector<HTMLElement>("main h1");
    h?.focus({ preventScroll: true });
  }, [title]);
}
