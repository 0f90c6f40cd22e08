/** A finished job on the review screen: download the redacted PDF and the report, and the verification result. */
import { useState } from "react";
import { FILE_TYPES, jobFile, verificationPassed, type Job } from "../../api/redaction";
import { ErrorText, saveBlob } from "../../components/ui";

export function ResultPanel({ jobId, job }: { jobId: string; job: Job }) {
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const passed = verificationPassed(job.verification);
  const fileBase = (job.fileName || "document").replace(/\.pdf$/i, "");

  async function download(fileType: string, name: string) {
    setDownloadError(null);
    try {
      saveBlob(await jobFile(jobId, fileType), name);
    } catch (err) {
      setDownloadError(err);
    }
  }

  return (
    <div className="panel" aria-label="Result">
      <h2>Redacted document</h2>
      <div className="actions">
        <button type="button" onClick={() => void download(FILE_TYPES.redacted, `${fileBase}-redacted.pdf`)}>
          Download redacted PDF
        </button>
        <button type="button" className="secondary" onClick={() => void download(FILE_TYPES.report, `${fileBase}-report.json`)}>
          Download report
        </button>
      </div>
      <ErrorText error={downloadError} />
      {passed !== undefined && (
        <p className={passed ? "ok-text" : "error"} role="status" data-testid="verification">
          Verification: {passed ? "passed: no redacted text remains in the output" : "FAILED: redacted text may remain"}
          {job.verification?.method?.length ? ` (checked by ${job.verification.method.join(", ")}; ${job.verification.redactedStrings ?? 0} strings)` : ""}
        </p>
      )}
    </div>
  );
}
