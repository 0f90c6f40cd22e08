/**
 * A WebSocket's catch-up read rides out our own outage (the socket stays open and gets its state once the
 * service answers), but never a refusal, and stops waiting when the client has gone.
 */
import { Errors } from "moleculer";
import { rideOut, SocketGone, StillUnavailable } from "../../../../kernel/gateway/ws-ride-out";

const OPEN = 1;
const socket = (state = { readyState: OPEN }) => Object.assign(state, { OPEN }) as unknown as { readyState: number; OPEN: 1 };

describe("rideOut", () => {
  it("answers once the service is back, after the outage's failures", async () => {
    let calls = 0;
    const got = await rideOut(socket(), async () => {
      calls++;
      if (calls <= 3) throw new Errors.ServiceNotAvailableError({ action: "tagger.batchWatch", nodeID: "core" });
      return { seq: 7 };
    });
    expect(got).toEqual({ seq: 7 });
    expect(calls).toBe(4);
  });

  it("passes a refusal through at once (not found, bad token)", async () => {
    let calls = 0;
    const refusal = Object.assign(new Error("Job not found"), { code: 404, type: "NOT_FOUND" });
    await expect(
      rideOut(socket(), async () => {
        calls++;
        throw refusal;
      }),
    ).rejects.toBe(refusal);
    expect(calls).toBe(1);
  });

  it("retries an unexpected failure of the read too (a driver error without a 4xx code), not only known outages", async () => {
    let calls = 0;
    const got = await rideOut(socket(), async () => {
      calls++;
      if (calls === 1) throw Object.assign(new Error("Topology is closed, please connect"), { name: "MongoTopologyClosedError" });
      if (calls === 2) throw new Error("something of ours broke for a moment");
      return "state";
    });
    expect([got, calls]).toEqual(["state", 3]);
  });

  it("stops when the client closed the socket meanwhile", async () => {
    const s = socket();
    await expect(
      rideOut(s, async () => {
        s.readyState = 3; // CLOSED
        throw new Errors.RequestTimeoutError({ action: "jobs.get", nodeID: "core" });
      }),
    ).rejects.toBeInstanceOf(SocketGone);
  });

  it("gives up after its limit with StillUnavailable (the caller closes with 1013)", async () => {
    const err = rideOut(socket(), async () => Promise.reject(new Errors.RequestRejectedError({ action: "jobs.get", nodeID: "core" })), 300);
    await expect(err).rejects.toBeInstanceOf(StillUnavailable);
  });
});
