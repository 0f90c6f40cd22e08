/**
 * One redaction job for the review screen: the job (polled while the server works), its original PDF
 * opened in pdf.js and, from readyForReview on, its detection result. Both are job files, loaded once
 * each appears in `job.files`.
 */
import { useCallback, useEffect, useState } from "react";
import { FILE_TYPES, getDetections, getJob, jobFile, type DetectionResult, type Job } from "../api/redaction";
import { BUSY, POLL_MS } from "../review/status";
import { openPdf, type PdfDoc } from "../viewer/pdf";

export interface ReviewJob {
  job: Job | null;
  setJob: (j: Job) => void;
  /** The job or its detections could not be loaded. */
  error: unknown;
  doc: PdfDoc | null;
  /** The original could not be opened or drawn. */
  docError: unknown;
  setDocError: (err: unknown) => void;
  found: DetectionResult | null;
}

export function useReviewJob(jobId: string): ReviewJob {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [doc, setDoc] = useState<PdfDoc | null>(null);
  const [docError, setDocError] = useState<unknown>(null);
  const [found, setFound] = useState<DetectionResult | null>(null);

  const refresh = useCallback(async () => {
    try {
      setJob(await getJob(jobId));
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [jobId]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    if (!job || !BUSY.has(job.status)) return;
    const t = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(t);
  }, [job, refresh]);

  const hasOriginal = !!job?.files.includes(FILE_TYPES.original);
  const hasDetections = !!job?.files.includes(FILE_TYPES.detections);

  useEffect(() => {
    if (!hasOriginal) return;
    let alive = true;
    jobFile(jobId, FILE_TYPES.original)
      .then((blob) => blob.arrayBuffer())
      .then(openPdf)
      .then(
        (d) => alive && setDoc(d),
        (err: unknown) => alive && setDocError(err),
      );
    return () => {
      alive = false;
    };
  }, [hasOriginal, jobId]);

  useEffect(() => {
    if (!hasDetections) return;
    let alive = true;
    getDetections(jobId).then(
      (r) => alive && setFound(r),
      (err: unknown) => alive && setError(err),
    );
    return () => {
      alive = false;
    };
  }, [hasDetections, jobId]);

  return { job, setJob, error, doc, docError, setDocError, found };
}
