/** Orchestrator jobs (redaction review) and detection configurations. */
import { get, post, put, request, send } from "./client";

export type JobStatus = "created" | "detectionInProgress" | "readyForReview" | "redactionInProgress" | "finished" | "expired" | "failed" | string;

/** Boxes are PDF points with a top-left origin on the page as displayed (rotation applied). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Detection {
  id: string;
  label: string;
  text: string;
  score: number;
  page: number;
  boxes: Box[];
  source?: string;
}

export interface PageInfo {
  page: number;
  width: number;
  height: number;
  rotation?: number;
}

export interface Verification {
  passed?: boolean;
  ok?: boolean;
  [k: string]: unknown;
}

export interface Job {
  id: string;
  status: JobStatus;
  fileName?: string;
  createdAt?: string;
  updatedAt?: string;
  createdBy?: string;
  reviewedBy?: string | null;
  expiresAt?: string;
  pageCount?: number;
  pages?: PageInfo[];
  detections?: Detection[];
  error?: { title?: string; detail?: string } | string | null;
  verification?: Verification | null;
  progress?: number;
  [k: string]: unknown;
}

export interface ManualArea extends Box {
  page: number;
  label: string;
}

export interface RedactionBody {
  accept: string[];
  reject: string[];
  areas: ManualArea[];
}

export function createJob(file: File): Promise<Job> {
  const form = new FormData();
  form.append("file", file, file.name);
  return request<Job>("POST", "/v1/jobs", { form });
}

export const listJobs = (q: { pageSize?: number; cursor?: string; status?: string } = {}) => get<{ items: Job[]; nextCursor?: string | null }>("/v1/jobs", q);
export const getJob = (id: string) => get<Job>(`/v1/jobs/${encodeURIComponent(id)}`);
export const submitRedaction = (id: string, body: RedactionBody) => post<Job>(`/v1/jobs/${encodeURIComponent(id)}/redaction`, body);

export async function jobFile(id: string, fileType: string): Promise<Blob> {
  const res = await send("GET", `/v1/jobs/${encodeURIComponent(id)}/files/${encodeURIComponent(fileType)}`);
  return res.blob();
}

// ---- detection configurations ----

export interface DetectionConfiguration {
  id: string;
  name: string;
  description?: string;
  isDefault?: boolean;
  configuration: Record<string, unknown>;
}

export const listConfigs = () => get<DetectionConfiguration[] | { items: DetectionConfiguration[] }>("/v1/detection-configurations");
export const createConfig = (body: Omit<DetectionConfiguration, "id">) => post<DetectionConfiguration>("/v1/detection-configurations", body);
export const updateConfig = (id: string, body: Omit<DetectionConfiguration, "id" | "isDefault">) => put<DetectionConfiguration>(`/v1/detection-configurations/${encodeURIComponent(id)}`, body);
export const setDefaultConfig = (id: string) => post<unknown>(`/v1/detection-configurations/${encodeURIComponent(id)}/set-default`);
