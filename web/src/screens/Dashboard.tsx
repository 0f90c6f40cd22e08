/**
 * Home: tagging statistics and recent activity of both processors, with shortcuts to the main tasks.
 * The two families keep their own job lists (/api/history, /v1/jobs), so the page asks each and shows
 * one failing without hiding the other.
 */
import { useEffect, useState } from "react";
import { listJobs, type Job } from "../api/redaction";
import { historyStats, type Stats } from "../api/tagging";
import { EmptyRow, Table } from "../components/Table";
import { StatsCards, JobsTable } from "../components/tagging";
import { RedactionJobRow, REDACTION_JOB_COLUMNS } from "../components/redaction";
import { ErrorText, humanStatus } from "../components/ui";
import { Link, useScreenTitle } from "../router";

/** How many redaction jobs the home page lists; the Redaction screen has them all. */
const RECENT_REDACTIONS = 5;

export default function Dashboard() {
  useScreenTitle("Dashboard");
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [redactions, setRedactions] = useState<Job[] | null>(null);
  const [redactionError, setRedactionError] = useState<unknown>(null);
  useEffect(() => {
    historyStats().then(setStats, setError);
    listJobs({ pageSize: RECENT_REDACTIONS }).then((page) => setRedactions(page.items ?? []), setRedactionError);
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
      <h2 id="recent-redactions">Recent redactions</h2>
      <ErrorText error={redactionError} />
      {redactions && (
        <div aria-labelledby="recent-redactions" role="region">
          <Table columns={REDACTION_JOB_COLUMNS}>
            {redactions.map((j) => (
              <RedactionJobRow key={j.id} job={j} />
            ))}
            {redactions.length === 0 && <EmptyRow colSpan={4}>No redaction jobs yet.</EmptyRow>}
          </Table>
          {redactions.length === RECENT_REDACTIONS && (
            <p>
              <Link to="/redact">All redaction jobs</Link>
            </p>
          )}
        </div>
      )}
    </section>
  );
}
