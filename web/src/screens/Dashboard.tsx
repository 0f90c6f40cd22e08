/** Home: tagging statistics and recent activity, with shortcuts to the main tasks. */
import { useEffect, useState } from "react";
import { historyStats, type Stats } from "../api/tagging";
import { ErrorText, StatusBadge, formatDate, humanStatus } from "../components/ui";
import { Link, useScreenTitle } from "../router";

export default function Dashboard() {
  useScreenTitle("Dashboard");
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    historyStats().then(setStats, setError);
  }, []);
  return (
    <section>
      <h1 tabIndex={-1}>Dashboard</h1>
      <div className="actions">
        <Link to="/tag">Tag a document</Link> · <Link to="/batch">Start a batch</Link> · <Link to="/redact">Redact a document</Link>
      </div>
      <ErrorText error={error} />
      {stats && (
        <>
          <div className="stats">
            <div className="stat">
              <strong>{stats.total_jobs}</strong> tagging jobs
            </div>
            <div className="stat">
              <strong>{stats.total_documents}</strong> documents
            </div>
            <div className="stat">
              <strong>{stats.documents_processed}</strong> tagged
            </div>
            <div className="stat">
              <strong>{stats.documents_failed}</strong> failed
            </div>
          </div>
          <p className="muted">{Object.entries(stats.jobs_by_status ?? {}).map(([s, n]) => `${humanStatus(s)}: ${n}`).join(" · ")}</p>
          <h2>Recent activity</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Type</th>
                  <th scope="col">Status</th>
                  <th scope="col">Documents</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {(stats.recent_activity ?? []).map((j) => (
                  <tr key={j.id}>
                    <td>{j.job_type === "batch" ? <Link to={`/batch/${encodeURIComponent(j.id)}`}>Batch</Link> : "Single"}</td>
                    <td>
                      <StatusBadge status={j.status} />
                    </td>
                    <td>
                      {j.processed_count} / {j.total_documents}
                    </td>
                    <td>{formatDate(j.created_at)}</td>
                  </tr>
                ))}
                {(stats.recent_activity ?? []).length === 0 && (
                  <tr>
                    <td colSpan={4} className="muted">
                      Nothing yet.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
