/** Layout, navigation and the screen chosen by the URL. Signed-out users only see sign-in and registration. */
import { lazy, Suspense, useEffect } from "react";
import { isAdmin } from "./api/auth";
import { useSession } from "./auth";
import { ForcedReset, Register, SignIn } from "./screens/AuthScreens";
import { Link, match, navigate, useLocation } from "./router";

const Dashboard = lazy(() => import("./screens/Dashboard"));
const TagSingle = lazy(() => import("./screens/TagSingle"));
const Batch = lazy(() => import("./screens/Batch"));
const History = lazy(() => import("./screens/History"));
const RedactJobs = lazy(() => import("./screens/RedactJobs"));
const Review = lazy(() => import("./screens/Review"));
const Webhooks = lazy(() => import("./screens/Webhooks"));
const AdminUsers = lazy(() => import("./screens/AdminUsers"));
const AdminKeys = lazy(() => import("./screens/AdminKeys"));
const AdminDetection = lazy(() => import("./screens/AdminDetection"));
const Vocabularies = lazy(() => import("./screens/Vocabularies"));
const AdminAudit = lazy(() => import("./screens/AdminAudit"));
const AdminDetectionStats = lazy(() => import("./screens/AdminDetectionStats"));

const NAV: Array<{ to: string; label: string; admin?: boolean }> = [
  { to: "/", label: "Dashboard" },
  { to: "/tag", label: "Tag a document" },
  { to: "/batch", label: "Batch" },
  { to: "/history", label: "History" },
  { to: "/vocabularies", label: "Vocabularies" },
  { to: "/redact", label: "Redaction" },
  { to: "/webhooks", label: "Webhooks" },
  { to: "/admin/users", label: "Users", admin: true },
  { to: "/admin/keys", label: "API keys", admin: true },
  { to: "/admin/detection", label: "Detection settings", admin: true },
  { to: "/admin/detection-stats", label: "Detection statistics", admin: true },
  { to: "/admin/audit", label: "Audit log", admin: true },
];

function Screen({ path }: { path: string }) {
  let m: Record<string, string> | null;
  if (path === "/" || path === "") return <Dashboard />;
  if (path === "/tag") return <TagSingle />;
  if (path === "/batch") return <Batch />;
  if ((m = match("/batch/:id", path))) return <Batch jobId={m.id} />;
  if (path === "/history") return <History />;
  if (path === "/vocabularies") return <Vocabularies />;
  if (path === "/redact") return <RedactJobs />;
  if ((m = match("/redact/:id", path))) return <Review jobId={m.id} />;
  if (path === "/webhooks") return <Webhooks />;
  if (path === "/admin/users") return <AdminUsers />;
  if (path === "/admin/keys") return <AdminKeys />;
  if (path === "/admin/detection") return <AdminDetection />;
  if (path === "/admin/detection-stats") return <AdminDetectionStats />;
  if (path === "/admin/audit") return <AdminAudit />;
  return (
    <section>
      <h1 tabIndex={-1}>Not found</h1>
      <p>
        There is no screen at this address. <Link to="/">Back to the dashboard</Link>
      </p>
    </section>
  );
}

export function App() {
  const session = useSession();
  const { path } = useLocation();
  const publicPath = path === "/login" || path === "/register";

  useEffect(() => {
    if (!session.ready) return;
    if (!session.me && !publicPath) navigate(`/login${path !== "/" ? `?next=${encodeURIComponent(path)}` : ""}`, { replace: true });
    if (session.me && publicPath) navigate("/", { replace: true });
  }, [session.ready, session.me, publicPath, path]);

  if (!session.ready) {
    return (
      <div className="center" role="status">
        Loading…
      </div>
    );
  }

  if (!session.me) {
    return <main className="auth-main">{path === "/register" ? <Register /> : <SignIn />}</main>;
  }

  if (session.mustReset) {
    return (
      <main className="auth-main">
        <ForcedReset />
      </main>
    );
  }

  const admin = isAdmin(session.me);
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          docmill
        </Link>
        <span className="who">
          <span className="muted">Signed in as</span> {session.me.email}
        </span>
        <button type="button" className="secondary" onClick={() => void session.signOut().then(() => navigate("/login"))}>
          Sign out
        </button>
      </header>
      <nav className="sidenav" aria-label="Main">
        <ul>
          {NAV.filter((n) => !n.admin || admin).map((n) => {
            const current = n.to === "/" ? path === "/" : path === n.to || path.startsWith(n.to + "/");
            return (
              <li key={n.to}>
                <Link to={n.to} aria-current={current ? "page" : undefined}>
                  {n.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <main id="main" className="content">
        <Suspense
          fallback={
            <p role="status" className="muted">
              Loading…
            </p>
          }
        >
          <Screen path={path} />
        </Suspense>
      </main>
    </div>
  );
}
