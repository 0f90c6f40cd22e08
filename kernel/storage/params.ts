/** Params and results of the storage service's file actions (services/storage.service.ts), for typed callers. */
import type { PutMeta } from "./store";

/** `storage.stat`, `storage.get`, `storage.remove`. */
export interface FileIdParams {
  id: string;
  /** When given, the file must belong to this user (else 404). Omitted: a trusted internal caller. */
  owner?: string;
}

/** What `storage.remove` answers. */
export interface RemoveFileResult {
  removed: boolean;
}

/** `storage.removeForJob`: a job's files, but those in `keep` (and only of `kind` when given). */
export interface RemoveForJobParams {
  jobId: string;
  keep?: string[];
  kind?: "input" | "output";
}

/** What `storage.removeForJob` answers. */
export interface RemovedCount {
  removed: number;
}

/** `storage.put` (the content is the call's stream): the store's metadata, the limits optional (defaults from config). */
export type PutFileParams = Omit<PutMeta, "maxBytes" | "expiresAt"> & { maxBytes?: number; retentionHours?: number };
