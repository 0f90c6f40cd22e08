/**
 * The orchestrator's own job records (creator, reviewer, wire status, verification) kept in step with
 * the runtime jobs: through the durable job changes (`applyChange`), a refresh on every read, and a
 * reconciliation pass over the records not yet final (at start-up and every
 * JOB_RECONCILE_INTERVAL_SECONDS). Also who may see a record: its creator and admins; anyone else gets
 * 404, as the job's existence is not theirs to know.
 */
import type { Context, Logger, ServiceBroker } from "moleculer";
import { fail } from "../../kernel/errors";
import type { GatewayMeta, Principal } from "../../kernel/gateway/types";
import type { JobChange } from "../../kernel/jobs/changes";
import type { JobView } from "../../kernel/jobs/model";
import type { OnePass } from "../../kernel/jobs/one-pass";
import type { GetManyParams, JobIdParams } from "../../kernel/jobs/api";
import type { DetectionConfigurationModel, OrchestratorJobDoc, OrchestratorJobModel } from "./model";
import { syncedFields } from "./sync";

export interface ReconcileResult {
  checked: number;
  repaired: number;
}

/** What the orchestrator's functions share (the service object is one). */
export interface OrchestratorHost {
  Job: OrchestratorJobModel;
  Config: DetectionConfigurationModel;
  broker: ServiceBroker;
  logger: Logger;
  passes: OnePass<ReconcileResult>;
}

/** The orchestrator's consumer group of the durable job changes (each group gets every change once). */
export const ORCHESTRATOR_CHANGES_GROUP = "docmill-orchestrator-job-changes";

/** Runtime statuses after which a record changes no more (but for expiry, which the read path applies). */
const SETTLED = new Set(["completed", "failed", "cancelled", "expired"]);

/** The signed-in user; UNAUTHORIZED without one. */
export function userOf(ctx: Pick<Context<unknown, GatewayMeta>, "meta">): Principal {
  const u = ctx.meta.user;
  if (!u) fail("UNAUTHORIZED");
  return u;
}

/** The record if the caller may see it (its creator, or an admin); NOT_FOUND otherwise. */
export async function visibleRecord(h: OrchestratorHost, ctx: Pick<Context<unknown, GatewayMeta>, "meta">, id: string): Promise<OrchestratorJobDoc> {
  const user = userOf(ctx);
  const rec = await h.Job.findById(id).lean<OrchestratorJobDoc>();
  // Someone else's job is "not found": its existence is not ours to reveal.
  if (!rec || (!user.isAdmin && rec.createdBy !== user.id)) fail("NOT_FOUND", `Job ${id} not found`);
  return rec;
}

/** Applies a runtime view to the record unless the record has already seen a newer one. */
export async function syncRecord(h: OrchestratorHost, view: JobView): Promise<OrchestratorJobDoc | null> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const rec = await h.Job.findById(view.id).lean<OrchestratorJobDoc>();
    if (!rec || rec.seq >= view.seq) return rec;
    const next = await h.Job.findOneAndUpdate(
      { _id: view.id, seq: rec.seq, reviewedAt: rec.reviewedAt },
      { $set: { ...syncedFields(view, rec.reviewedAt !== null), runtimeVersion: view.version ?? 0 } },
      { returnDocument: "after" },
    ).lean<OrchestratorJobDoc>();
    if (next) return next;
  }
  return h.Job.findById(view.id).lean<OrchestratorJobDoc>();
}

/**
 * The record brought up to date with its runtime job, and that job's view: a summary view (no findings,
 * their count) unless `full` (the review needs the findings). Every client poll comes through here, and
 * reading a big detection result back on each would be event-loop time the API shares (issue 14).
 */
export async function refreshRecord(h: OrchestratorHost, id: string, opts: { full?: boolean } = {}): Promise<{ rec: OrchestratorJobDoc; view: JobView }> {
  // A trusted internal call (no user in meta): visibility was checked on our own record.
  const view = await h.broker.call<JobView, JobIdParams>(opts.full ? "jobs.get" : "jobs.summary", { id });
  const rec = (await syncRecord(h, view)) ?? (await h.Job.findById(id).lean<OrchestratorJobDoc>());
  if (!rec) fail("NOT_FOUND", `Job ${id} not found`);
  return { rec, view };
}

/**
 * One durable change: applied from the job's current state unless the record is already at that
 * version or newer (`seq` grows with every runtime change, so the record's seq covers the version).
 */
export async function applyChange(h: OrchestratorHost, change: JobChange): Promise<void> {
  if (change.processor !== "redaction" || change.meta.api !== "orchestrator") return;
  // A deletion: our record normally went with the DELETE that made it (deleteJob); this is for the
  // record a crash or an outage left behind after the runtime job was marked deleted.
  if (change.status === "deleted") {
    await h.Job.deleteOne({ _id: change.id });
    return;
  }
  const rec = await h.Job.findById(change.id, { runtimeVersion: 1 }).lean<Pick<OrchestratorJobDoc, "runtimeVersion">>();
  // No record: createJob has not written it yet and reads the job itself once it has.
  if (!rec || (rec.runtimeVersion ?? 0) >= change.version) return;
  await syncRecord(h, await h.broker.call<JobView, JobIdParams>("jobs.summary", { id: change.id }));
}

/** Compares every record not yet final with its runtime job and applies what it missed. */
export function reconcile(h: OrchestratorHost): Promise<ReconcileResult> {
  return h.passes.run(async () => {
    const open = await h.Job.find({ runtimeStatus: { $nin: [...SETTLED] } }, { _id: 1, seq: 1, runtimeVersion: 1 })
      .limit(500)
      .lean<Array<Pick<OrchestratorJobDoc, "_id" | "seq" | "runtimeVersion">>>();
    if (!open.length) return { checked: 0, repaired: 0 };
    const views = await h.broker.call<JobView[], GetManyParams>("jobs.getMany", { ids: open.map((r) => r._id), summary: true });
    let repaired = 0;
    for (const view of views) {
      const rec = open.find((r) => r._id === view.id);
      if (!rec || rec.seq >= view.seq) continue;
      await syncRecord(h, view);
      // Progress moves seq without a durable change; a state change the record missed is a repair.
      if ((rec.runtimeVersion ?? 0) < view.version) repaired++;
    }
    if (repaired) h.logger.info(`reconciliation: ${repaired} job record(s) brought in step with the runtime`);
    return { checked: open.length, repaired };
  });
}
