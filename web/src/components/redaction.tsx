/** Pieces of the redaction screens that more than one screen shows. */
import type { ReactNode } from "react";
import type { Job } from "../api/redaction";
import { Link } from "../router";
import { StatusBadge, formatDate } from "./ui";

/** The columns every list of redaction jobs starts with. */
export const REDACTION_JOB_COLUMNS = ["Document", "Status", "Created", "Detections"];

/** One redaction job as a table row: its document (a link to its review), status, creation and detections; `children` adds cells. */
export function RedactionJobRow({ job, children }: { job: Job; children?: ReactNode }) {
  return (
    <tr data-job-id={job.id}>
      <td>
        <Link to={`/redact/${encodeURIComponent(job.id)}`}>{job.fileName ?? job.id}</Link>
      </td>
      <td>
        <StatusBadge status={job.status} />
      </td>
      <td>{formatDate(job.createdAt)}</td>
      <td>{job.findingsCount ?? "—"}</td>
      {children}
    </tr>
  );
}
