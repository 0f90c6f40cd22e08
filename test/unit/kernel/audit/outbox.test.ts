/**
 * The audit outbox's order of places (kernel/audit/outbox.ts): the database directly, else the durable
 * channel, else the local queue that is retried until the channel takes it, oldest first.
 */
import { AuditOutbox } from "../../../../kernel/audit/outbox";
import type { AuditEntry } from "../../../../kernel/audit/model";

const entry = (id: string): AuditEntry => ({
  id, at: new Date().toISOString(), action: "auth.login", outcome: "failure",
  actor: { id: null, via: "anonymous", apiKeyId: null }, ip: null, requestId: id, target: { type: "account", id: null }, details: {},
});

function outbox(opts: { direct: boolean; channel: () => boolean }) {
  const db: string[] = [];
  const channel: string[] = [];
  const warnings: string[] = [];
  const box = new AuditOutbox(
    async (e) => {
      if (!opts.direct) throw new Error("audit service not found");
      db.push(e.id);
    },
    async (e) => {
      if (!opts.channel()) throw new Error("no responders");
      channel.push(e.id);
    },
    (m) => warnings.push(m),
  );
  return { box, db, channel, warnings };
}

it("writes directly when it can, and queues on the channel when the direct write fails", async () => {
  const ok = outbox({ direct: true, channel: () => true });
  expect(await ok.box.write(entry("a"))).toBe("stored");
  expect(ok.db).toEqual(["a"]);
  const down = outbox({ direct: false, channel: () => true });
  expect(await down.box.write(entry("b"))).toBe("queued");
  expect(down.channel).toEqual(["b"]);
  expect(down.warnings[0]).toMatch(/not written directly/);
});

it("keeps entries in order while NATS is away and sends them once it is back", async () => {
  let nats = false;
  const o = outbox({ direct: false, channel: () => nats });
  expect(await o.box.write(entry("1"))).toBe("spooled");
  nats = true;
  // A queue is waiting: a new entry goes behind it, not ahead.
  expect(await o.box.write(entry("2"))).toBe("spooled");
  expect(o.channel).toEqual([]);
  expect(o.box.pending).toBe(2);
  expect(await o.box.flush()).toBe(2);
  expect(o.channel).toEqual(["1", "2"]);
  expect(o.box.pending).toBe(0);
});

it("says at shutdown how many entries it could not store", async () => {
  const o = outbox({ direct: false, channel: () => false });
  await o.box.write(entry("x"));
  await o.box.write(entry("y"));
  await o.box.close();
  expect(o.warnings.at(-1)).toBe("2 audit entries could not be stored before shutdown (NATS was away) and are lost");
});
