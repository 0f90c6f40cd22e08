/** Home: tagging statistics and recent activity, with shortcuts to the main tasks. */
import { useEffect, useState } from "react";
import { historyStats, type Stats } from "../api/tagging";
import { StatsCards, JobsTable } from "../components/tagging";
import { ErrorText, humanStatus } from "../components/ui";
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
          <StatsCards stats={stats} jobsLabel="tagging jobs" />
          <p className="muted">{Object.entries(stats.jobs_by_status ?? {}).map(([s, n]) => `${humanStatus(s)}: ${n}`).join(" · ")}</p>
          <h2>Recent activity</h2>
          <JobsTable
            jobs={stats.recent_activity ?? []}
            documents={(j) => (
              <>
                {j.processed_count} / {j.total_documents}
              </>
            )}
            empty="Nothing yet."
          />
        </>
      )}
    </section>
  );
}
