/**
 * Single calls waiting for their runtime job to end. The live `job.updated` broadcast wakes them on this
 * node (`notify`); each also polls `jobs.get` in case a broadcast was missed, and gives up with
 * SERVICE_UNAVAILABLE after its timeout. The durable records follow the job changes, not this.
 */
import type { ServiceBroker } from "moleculer";
import { fail } from "../../kernel/errors";
import type { JobIdParams } from "../../kernel/jobs/api";
import type { JobView } from "../../kernel/jobs/model";

const FINAL = new Set(["completed", "failed", "cancelled", "expired"]);

export class JobWaiters {
  private readonly waiters = new Map<string, Set<(job: JobView) => void>>();

  constructor(private readonly broker: ServiceBroker) {}

  /** A broadcast job view: wakes the single calls waiting on it once it is final. */
  notify(job: JobView): void {
    if (job.processor !== "tagging" || typeof job.meta?.tagDocId !== "string") return;
    if (FINAL.has(job.status)) for (const w of this.waiters.get(job.id) ?? []) w(job);
  }

  /** Resolves when the runtime job ends: on its event, or a poll in case an event was missed. */
  waitFor(jobId: string, timeoutMs: number): Promise<JobView> {
    return new Promise<JobView>((resolve, reject) => {
      const set = this.waiters.get(jobId) ?? new Set();
      this.waiters.set(jobId, set);
      const done = (job: JobView) => {
        clearInterval(poll);
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(jobId);
        resolve(job);
      };
      set.add(done);
      const get = () => this.broker.call<JobView, JobIdParams>("jobs.get", { id: jobId }).then((j) => FINAL.has(j.status) && done(j), () => undefined);
      const poll = setInterval(() => void get(), 2000);
      const timer = setTimeout(() => {
        clearInterval(poll);
        set.delete(done);
        reject(Object.assign(new Error("timeout"), { type: "SERVICE_UNAVAILABLE" }));
      }, timeoutMs);
      // The job may have ended before we subscribed.
      void get();
    }).catch((err: unknown) => {
      if ((err as { type?: string }).type === "SERVICE_UNAVAILABLE") fail("SERVICE_UNAVAILABLE", `The document was not processed within ${Math.round(timeoutMs / 60000)} minutes`);
      throw err;
    });
  }
}
