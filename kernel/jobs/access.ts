/**
 * Who may see and change a job. A request that came through the gateway always carries `meta.user` (the
 * gateway sets `meta.family` on every request); calls from other services without a user are trusted
 * system calls. Someone else's job is "not found": its existence is not ours to reveal.
 */
import type { Context } from "moleculer";
import { fail } from "../errors";
import type { GatewayMeta, Principal } from "../gateway/types";
import type { JobDoc, JobModel } from "./model";

export interface Actor {
  /** The user acting; undefined for a trusted internal caller (another service, a sweeper). */
  userId?: string;
  admin: boolean;
}

/** Who is acting: the signed-in user, or a trusted internal caller. UNAUTHORIZED for an anonymous request. */
export function actorOf(ctx: Pick<Context<unknown, GatewayMeta>, "meta">): Actor {
  const user = ctx.meta.user as Principal | null | undefined;
  if (user) return { userId: user.id, admin: user.isAdmin };
  if (ctx.meta.family) fail("UNAUTHORIZED");
  return { admin: true };
}

export function canSee(actor: Actor, job: Pick<JobDoc, "owner">): boolean {
  return actor.admin || job.owner === actor.userId;
}

/** The job if the caller may see it; NOT_FOUND otherwise (also for someone else's job). */
export async function visibleJob(Job: JobModel, ctx: Pick<Context<unknown, GatewayMeta>, "meta">, id: string, projection?: Record<string, 0>): Promise<JobDoc> {
  const job = await Job.findById(id, projection).lean<JobDoc>();
  // A deleted job is gone (purge.ts), whatever of it the purge has not removed yet.
  if (!job || job.deletedAt || !canSee(actorOf(ctx), job)) fail("NOT_FOUND", "Job not found");
  return job;
}

/** Refuses a call that came through the gateway (a user or a family is set): the action is internal. */
export function assertInternal(ctx: Pick<Context<unknown, GatewayMeta>, "meta">, action: string): void {
  if (ctx.meta.user || ctx.meta.family) fail("FORBIDDEN", `${action} is internal`);
}
