/**
 * Batch tagging: drop PDFs or a CSV, map the CSV's columns, start, watch each row live over the
 * WebSocket, pause/resume/cancel, retry failed rows, export as CSV or JSON. A reload (or opening
 * /batch/:id) reconnects: the socket's catch-up message carries the job's state and results so far.
 *
 * The parts: batch/BatchSetup (with batch/ActiveJobs) before a batch, batch/BatchProgress during and
 * after it (its state in batch/rows.ts, its socket in hooks/useBatchSocket.ts).
 */
import { useScreenTitle } from "../router";
import { BatchProgress } from "./batch/BatchProgress";
import { BatchSetup } from "./batch/BatchSetup";

export default function Batch({ jobId }: { jobId?: string }) {
  useScreenTitle(jobId ? "Batch progress" : "Batch");
  return jobId ? <BatchProgress key={jobId} jobId={jobId} /> : <BatchSetup />;
}
