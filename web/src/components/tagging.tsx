/** Pieces the dashboard and the history share: the tagging statistics and the table of tagging jobs. */
import type { ReactNode } from "react";
import type { JobSummary, Stats } from "../api/tagging";
import { Link } from "../router";
import { EmptyRow, Table, ACTIONS_HEADING } from "./Table";
import { StatusBadge, formatDate } from "./ui";

export function StatsCards({ stats, jobsLabel, label }: { stats: Stats; jobsLabel: string; label?: string }) {
  return (
    <div className="stats" aria-label={label}>
      <div className="stat">
        <strong>{stats.total_jobs}</strong> {jobsLabel}
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
  );
}

/** Tagging jobs by type, status, documents and creation; batches link to their progress screen. */
export function JobsTable({ jobs, documents, actions, empty }: { jobs: JobSummary[]; documents: (j: JobSummary) => ReactNode; actions?: (j: JobSummary) => ReactNode; empty?: ReactNode }) {
  const columns: ReactNode[] = ["Type", "Status", "Documents", "Created"];
  if (actions) columns.push(ACTIONS_HEADING);
  return (
    <Table columns={columns}>
      {jobs.map((j) => (
        <tr key={j.id}>
          <td>{j.job_type === "batch" ? <Link to={`/batch/${encodeURIComponent(j.id)}`}>Batch</Link> : "Single"}</td>
          <td>
            <StatusBadge status={j.status} />
          </td>
          <td>{documents(j)}</td>
          <td>{formatDate(j.created_at)}</td>
          {actions && <td>{actions(j)}</td>}
        </tr>
      ))}
      {empty && jobs.length === 0 && <EmptyRow colSpan={columns.length}>{empty}</EmptyRow>}
    </Table>
  );
}
