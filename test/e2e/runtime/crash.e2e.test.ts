/**
 * Crash safety: 2 worker processes, 20 queued jobs, one worker SIGKILLed in the middle of a job. Every
 * job still reaches a final state exactly once, none is lost, none has two outputs.
 */
import type { StoredFile } from "../../../kernel/storage/store";
import { multiPagePdf } from "../../support/pdf-fixtures";
import { form, signUp, startRuntime, waitForJob, waitForPlugin, type JobBody, type Runtime } from "./support";

jest.setTimeout(300_000);

let rt: Runtime;
afterAll(async () => {
  await rt?.stop();
});

it("finishes every job exactly once when a worker is killed mid-job", async () => {
  rt = await startRuntime({ leaseSeconds: 3 });
  const base = rt.stack.baseUrl;
  const [victim] = [await rt.startWorker("slow-echo"), await rt.startWorker("slow-echo")];
  await waitForPlugin(rt, "slow-echo", 2);
  const { token } = await signUp(base);
  const pdf = (await multiPagePdf(1)).bytes;
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    const r = await fetch(`${base}/api/jobs`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: form({ file: { data: pdf, filename: `j${i}.pdf` }, processor: "slow-echo", options: JSON.stringify({ delayMs: 800, steps: 4 }) }),
    });
    expect(r.status).toBe(201);
    ids.push(((await r.json()) as JobBody).id);
  }
  // Kill the first worker once it is inside a job (it has reported progress for one).
  await victim!.waitForOutput(/hosts/);
  for (let i = 0; i < 600; i++) {
    const jobs = (await rt.stack.broker.call("jobs.list", { status: "running", limit: 50 })) as { items: Array<{ progress: { percent: number } }> };
    if (jobs.items.some((j) => j.progress.percent > 0)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await victim!.kill("SIGKILL");

  const finals = await Promise.all(ids.map((id) => waitForJob(base, token, id)));
  expect(finals.map((j) => j.status)).toEqual(ids.map(() => "completed"));
  for (const job of finals) {
    expect(job.outputs.map((o) => o.name)).toEqual(["echo"]);
    const files = (await rt.stack.broker.call("storage.listForJob", { jobId: job.id })) as StoredFile[];
    expect(files.filter((f) => f.name === "echo")).toHaveLength(1);
    expect(files[0]!.id).toBe(job.outputs[0]!.fileId);
  }
  // At least one job was taken over from the killed worker.
  expect(finals.some((j) => j.attempts > 1)).toBe(true);
});
