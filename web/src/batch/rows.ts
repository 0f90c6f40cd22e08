/**
 * The batch progress screen's state: rows as they arrive over the WebSocket (in any order, repeated on
 * reconnect) and the job's counts. Pure; unit-tested in test/unit/web/batch/rows.test.ts.
 */
import type { BatchStatus, RowResult } from "../api/tagging";

/** Batch statuses after which nothing changes any more. */
export const ENDED: ReadonlySet<string> = new Set(["completed", "failed", "cancelled"]);
/** Row statuses that are a row's result. */
export const FINAL_ROW: ReadonlySet<string> = new Set(["success", "failed"]);

export type Rows = ReadonlyMap<number, RowResult>;

/**
 * One row message into the rows. Messages may arrive out of order: a late "processing" never undoes a
 * row's result. Fields a message leaves out keep their earlier value. Returns the same map when nothing changed.
 */
export function mergeRow(rows: Rows, r: RowResult): Rows {
  const had = rows.get(r.row_id);
  if (had && FINAL_ROW.has(had.status) && !FINAL_ROW.has(r.status)) return rows;
  const next = new Map(rows);
  next.set(r.row_id, { ...had, ...r });
  return next;
}

export function mergeRows(rows: Rows, list: RowResult[]): Rows {
  return list.reduce(mergeRow, rows);
}

/** The catch-up message's state over what the page knew (it may be the first the page hears of the job). */
export function mergeStatus(s: BatchStatus | null, st: Partial<BatchStatus>, jobId: string): BatchStatus {
  return { ...(s ?? ({} as BatchStatus)), ...st, job_id: jobId } as BatchStatus;
}

export interface BatchSummary {
  /** Rows in row order. */
  list: RowResult[];
  total: number;
  done: number;
  failed: number;
  /** 0..1 */
  progress: number;
  status: string;
  ended: boolean;
}

/** What the screen shows: the server's counts when it has them, else what the rows seen so far say. */
export function summarize(rows: Rows, status: BatchStatus | null): BatchSummary {
  const list = [...rows.values()].sort((a, b) => a.row_id - b.row_id);
  const total = status?.total ?? list.length;
  const done = status ? status.processed_count + status.failed_count : list.filter((r) => FINAL_ROW.has(r.status)).length;
  const st = status?.status ?? "pending";
  return {
    list,
    total,
    done,
    failed: status?.failed_count ?? list.filter((r) => r.status === "failed").length,
    progress: status?.progress ?? (total ? done / total : 0),
    status: st,
    ended: ENDED.has(st),
  };
}
