/**
 * Orchestrator jobs (redaction review) and detection configurations, as the server defines them
 * (shared/wire/redaction.ts, apis/orchestrator/model.ts, docs/redaction.md). Findings are not part of the job: they are
 * the job's `detections` file, downloadable from readyForReview on.
 */
import type { DetectionConfigurationBody, DetectionConfigurationView, JobResponse, ManualAreaBody, RedactionRequest, WireStatus } from "../../../shared/wire/redaction";
import { DETECTION_COORDINATES, type Detection, type DetectionPage, type DetectionResult, type VerificationRecord } from "../../../shared/wire/detections";
import { get, post, put, request, send } from "./client";

export type JobStatus = WireStatus;

/** The file types of GET /v1/jobs/:id/files/:fileType. */
export const FILE_TYPES = { original: "originalPdf", detections: "detections", redacted: "redactedPdf", report: "report" } as const;

/** Boxes are PDF points with a top-left origin on the page as displayed (rotation applied); pages are 1-based. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The detections file and the verification record, as the redaction plugin writes them (shared/wire/detections.ts). */
export type { Detection, DetectionPage, DetectionResult, VerificationRecord };

/** The orchestrator's job as the server sends it (shared/wire/redaction.ts). */
export type Job = JobResponse<VerificationRecord>;

/** An area the reviewer drew, and the review sent (shared/wire/redaction.ts): the page always names its label. */
export type ManualArea = ManualAreaBody & { label: string };
// The page always sends the three lists.
export type RedactionBody = Required<RedactionRequest>;

/** True when the server's read-back found nothing that should have been removed. */
export function verificationPassed(v: VerificationRecord | undefined): boolean | undefined {
  if (!v) return undefined;
  return (v.leaks ?? 0) === 0 && (v.structureProblems ?? []).length === 0;
}

export function createJob(file: File): Promise<Job> {
  const form = new FormData();
  form.append("file", file, file.name);
  return request<Job>("POST", "/v1/jobs", { form });
}

export const listJobs = (q: { pageSize?: number; cursor?: string; status?: string } = {}) => get<{ items: Job[]; nextCursor: string | null }>("/v1/jobs", q);
export const getJob = (id: string) => get<Job>(`/v1/jobs/${encodeURIComponent(id)}`);
export const submitRedaction = (id: string, body: RedactionBody) => post<Job>(`/v1/jobs/${encodeURIComponent(id)}/redaction`, body);

export async function jobFile(id: string, fileType: string): Promise<Blob> {
  const res = await send("GET", `/v1/jobs/${encodeURIComponent(id)}/files/${encodeURIComponent(fileType)}`);
  return res.blob();
}

export async function getDetections(id: string): Promise<DetectionResult> {
  const body = JSON.parse(await (await jobFile(id, FILE_TYPES.detections)).text()) as Partial<DetectionResult>;
  return {
    phase: "detection",
    pageCount: body.pageCount ?? 0,
    coordinates: body.coordinates ?? DETECTION_COORDINATES,
    pages: body.pages ?? [],
    findings: body.findings ?? [],
    labels: body.labels ?? [],
  };
}

// ---- detection configurations (plain arrays; writes for admins) ----

/** A configuration as listed (shared/wire/redaction.ts). */
export type DetectionConfiguration = DetectionConfigurationView;

export const listConfigs = () => get<DetectionConfiguration[]>("/v1/detection-configurations");
export const createConfig = (body: DetectionConfigurationBody) => post<DetectionConfiguration & { warnings?: string[] }>("/v1/detection-configurations", body);
export const updateConfig = (id: string, body: Omit<DetectionConfigurationBody, "isDefault">) => put<DetectionConfiguration & { warnings?: string[] }>(`/v1/detection-configurations/${encodeURIComponent(id)}`, body);
export const setDefaultConfig = (id: string) => post<unknown>(`/v1/detection-configurations/${encodeURIComponent(id)}/set-default`);
