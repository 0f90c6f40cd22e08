/**
 * Which failures are our infrastructure's (retried, handed back, never a job's failure) and which are a
 * job's own. The errors are the real classes the broker and the driver throw, not look-alikes.
 */
import { Errors } from "moleculer";
import { MongoClientClosedError, MongoError, MongoNetworkError, MongoServerSelectionError } from "mongodb";
import { isTransient } from "../../../../kernel/jobs/transient";

function labelled(label: string): MongoError {
  const e = new MongoError("the pool was reset");
  e.addErrorLabel(label);
  return e;
}

describe("isTransient", () => {
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
