/**
 * Which failures are our infrastructure's (retried, handed back, never a job's failure) and which are a
 * job's own. The errors are the real classes the broker and the driver throw, not look-alikes.
 */
import net from "node:net";
import { Errors } from "moleculer";
import { MongoClientClosedError, MongoError, MongoNetworkError, MongoServerSelectionError } from "mongodb";
import { isTransient } from "../../../../kernel/jobs/transient";

function labelled(label: string): MongoError {
  const e = new MongoError("the pool was reset");
  e.addErrorLabel(label);
  return e;
}

describe("isTransient", () => {
  it("a write on a connection the database closed, passed up unwrapped: Node's own EPIPE error is transient", async () => {
    const server = net.createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const sock = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1");
    sock.on("error", () => undefined);
    await new Promise((r) => sock.once("end", r));
    const err = await new Promise<Error | null | undefined>((resolve) => sock.write("x", resolve));
    sock.destroy();
    await new Promise((r) => server.close(r));
    expect(err).toMatchObject({ code: "EPIPE" });
    expect(isTransient(err)).toBe(true);
  });

  it.each([
    ["the called node went away mid-request (core killed)", new Errors.RequestRejectedError({ action: "jobs.claim", nodeID: "core" })],
    ["our transporter is reconnecting", new (Errors.BrokerDisconnectedError as unknown as new () => Error)()],
    ["no node offers the service", new Errors.ServiceNotAvailableError({ action: "jobs.claim", nodeID: "core" })],
    ["the service is not registered yet", new Errors.ServiceNotFoundError({ action: "jobs.claim" })],
    ["the request timed out", new Errors.RequestTimeoutError({ action: "jobs.claim", nodeID: "core" })],
    ["the database connection broke", new MongoNetworkError("connection 3 to 127.0.0.1:27017 closed")],
    ["no database server to select", new MongoServerSelectionError("Server selection timed out after 10000 ms", { type: "Unknown", servers: new Map() } as never)],
    ["the client was closed under the operation (reopened by the watchdog)", new MongoClientClosedError()],
    ["a driver error labelled retryable, whatever its class", labelled("ResetPool")],
    ["an error serialised over the transporter keeps its type", Object.assign(new Error("x"), { type: "REQUEST_REJECTED" })],
    ["a write on a closed connection, serialised over the transporter (message and code kept, class lost)", { name: "Error", message: "This socket has been ended by the other party", code: "EPIPE" }],
    ["a connection reset by the database", Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", syscall: "read" })],
  ])("%s: transient", (_what, err) => {
    expect(isTransient(err)).toBe(true);
  });

  it.each([
    ["a refusal of the jobs service", Object.assign(new Error("claim refused"), { type: "JOB_STATE_CONFLICT", code: 409 })],
    ["a driver error without a retry label (a duplicate key)", new MongoError("E11000 duplicate key")],
    ["a validation error", new Errors.ValidationError("bad params", "VALIDATION_ERROR", [])],
    ["a plugin's own error", new TypeError("Cannot read properties of undefined")],
    ["nothing at all", undefined],
  ])("%s: not transient", (_what, err) => {
    expect(isTransient(err)).toBe(false);
  });
});
