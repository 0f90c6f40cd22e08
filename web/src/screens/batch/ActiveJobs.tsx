/** The batches of this user still running, each a link to its progress. Nothing when there are none. */
import { useEffect, useState } from "react";
import { activeBatches, type BatchStatus } from "../../api/tagging";
import { StatusBadge } from "../../components/ui";
import { navigate } from "../../router";

export function ActiveJobs() {
  const [jobs, setJobs] = useState<BatchStatus[]>([]);
  useEffect(() => {
    let alive = true;
    activeBatches().then(
      (r) => alive && setJobs(r.jobs ?? []),
      () => alive && setJobs([]),
    );
    return () => {
      alive = false;
    };
  }, []);
  if (!jobs.length) return null;
  return (
    <div className="panel">
      <h2>Running batches</h2>
      <ul>
        {jobs.map((j) => (
          <li key={j.job_id}>
            <button type="button" className="link" onClick={() => navigate(`/batch/${encodeURIComponent(j.job_id)}`)}>
              {j.job_id}
            </button>{" "}
            <StatusBadge status={j.status} /> {j.processed_count + j.failed_count} / {j.total}
          </li>
        ))}
      </ul>
    </div>
  );
}
