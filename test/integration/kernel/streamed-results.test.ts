/**
 * Whole-result answers streamed from the stored parts (issue 14), through the real gateway over real HTTP
 * against the real MongoDB-protocol server. GET /api/jobs/{id} and GET /api/jobs send a result stored in
 * parts as the parts are read, without rebuilding it: the bytes are those the route sent before
 * (JSON.stringify of the whole view, what the non-streamed path answers), with the same Content-Type and
 * no Content-Length (chunked). Readers of one result at the same moment read each part once; a client
 * that goes away mid-stream frees what its stream held; a part gone or the database gone mid-stream ends
 * the transfer as failed (never a hung socket) and the server keeps answering.
 */
import http from "node:http";
import mongoose from "mongoose";
import { getJob, listJobs } from "../../../kernel/jobs/api";
import type { JobsHost } from "../../../kernel/jobs/host";
import type { JobModel } from "../../../kernel/jobs/model";
import { clearPartCache, PART_FINDINGS, partsRead, removeResult, resultStreamsOpen } from "../../../kernel/jobs/results";
import { jobWithStoredResult } from "../../support/stored-result-job";
import { startStack, type Stack } from "../../support/stack";
import { ADMIN, client, RELAXED_THROTTLE, settings } from "../auth/helpers";

jest.setTimeout(120_000);

let stack: Stack;
let Job: JobModel;
let token = "";
let conn: mongoose.Connection;

beforeAll(async () => {
  stack = await startStack({ services: ["gateway", "auth", "jobs"], mods: { auth: { settings: settings({ throttle: RELAXED_THROTTLE }) } } });
  token = (await client(stack.baseUrl)("POST", "/v1/auth/login", { json: { login: ADMIN.email, password: ADMIN.password } })).body.token as string;
  // The jobs service's own model: what the route reads is what the expected bytes are made from.
  Job = (stack.broker.getLocalService("jobs") as unknown as { Job: JobModel }).Job;
  conn = await mongoose.createConnection(stack.mongoUrl).asPromise();
});

afterAll(async () => {
  await conn?.close();
  await stack?.stop();
});

const host = () => ({ Job }) as unknown as JobsHost;
const admin = { meta: {} } as never;

/** A paused job whose detection result is stored in parts (findings with unicode, escapes, nulls). */
const jobWithResult = async (n: number): Promise<string> => (await jobWithStoredResult(conn, Job, n, { awkward: true })).id;

/** A GET with the admin's token: status, headers and the body's bytes. */
async function get(path: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const r = await fetch(`${stack.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
}

/** A GET read by hand: the first chunk, then paused until `resume`; how the transfer ended. */
function slowGet(path: string): Promise<{ first: () => Promise<void>; resume: () => void; destroy: () => void; ended: Promise<"complete" | "failed">; bytes: () => number }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${stack.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      let n = 0;
      let gotFirst: () => void;
      const first = new Promise<void>((r) => (gotFirst = r));
      const ended = new Promise<"complete" | "failed">((r) => {
        res.on("end", () => r(res.complete ? "complete" : "failed"));
        res.on("error", () => r("failed"));
        res.on("aborted", () => r("failed"));
        res.on("close", () => r(res.complete ? "complete" : "failed"));
        req.on("error", () => r("failed"));
      });
      res.on("data", (c: Buffer) => {
        // Paused after the first chunk only: then read on as fast as the server sends.
        if (!n) res.pause();
        n += c.length;
        gotFirst();
      });
      resolve({ first: () => first, resume: () => res.resume(), destroy: () => req.destroy(), ended, bytes: () => n });
    });
    req.on("error", reject);
  });
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  for (const t0 = Date.now(); !cond(); ) {
    if (Date.now() - t0 > ms) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

it("GET /api/jobs/{id} and GET /api/jobs stream a result stored in parts: the bytes the route sent before, chunked", async () => {
  const big = await jobWithResult(5 * PART_FINDINGS + 321);
  const small = await jobWithResult(PART_FINDINGS - 1);
  const one = await get(`/api/jobs/${big}`);
  // What the route answered before: JSON.stringify of the view of the whole result, rebuilt.
  const want = Buffer.from(JSON.stringify(await getJob(host(), admin, big)), "utf8");
  expect({ status: one.status, type: one.headers.get("content-type"), length: one.headers.get("content-length"), te: one.headers.get("transfer-encoding") })
    .toEqual({ status: 200, type: "application/json; charset=utf-8", length: null, te: "chunked" });
  expect(one.bytes.length).toBe(want.length);
  expect(Buffer.compare(one.bytes, want)).toBe(0);
  // The list carries both jobs, one streamed, one whole.
  const list = await get("/api/jobs?limit=100");
  const wantList = Buffer.from(JSON.stringify(await listJobs(host(), admin, { limit: 100 } as never)), "utf8");
  expect({ status: list.status, type: list.headers.get("content-type"), length: list.headers.get("content-length") }).toEqual({ status: 200, type: "application/json; charset=utf-8", length: null });
  expect(Buffer.compare(list.bytes, wantList)).toBe(0);
  // A result in one record (no parts) keeps its Content-Length.
  const whole = await get(`/api/jobs/${small}`);
  expect(whole.headers.get("content-length")).toBe(String(whole.bytes.length));
  expect(Buffer.compare(whole.bytes, Buffer.from(JSON.stringify(await getJob(host(), admin, small))))).toBe(0);
  // The file route reads the outputs only: an unknown name is 404, with no part read for it.
  clearPartCache();
  const before = partsRead();
  expect((await get(`/api/jobs/${big}/files/nothing`)).status).toBe(404);
  expect(partsRead()).toBe(before);
});

it("five readers streaming one result at once read each stored part once, and all get the same bytes", async () => {
  const id = await jobWithResult(20 * PART_FINDINGS + 17);
  clearPartCache();
  const before = partsRead();
  const answers = await Promise.all(Array.from({ length: 5 }, () => get(`/api/jobs/${id}`)));
  expect(partsRead() - before).toBe(20);
  const want = Buffer.from(JSON.stringify(await getJob(host(), admin, id)), "utf8");
  for (const a of answers) expect({ status: a.status, same: Buffer.compare(a.bytes, want) }).toEqual({ status: 200, same: 0 });
});

it("a client gone mid-stream frees its stream; the server keeps answering", async () => {
  const id = await jobWithResult(40 * PART_FINDINGS);
  clearPartCache();
  const r = await slowGet(`/api/jobs/${id}`);
  await r.first();
  expect(resultStreamsOpen()).toBe(1);
  r.destroy();
  await until(() => resultStreamsOpen() === 0);
  const again = await get(`/api/jobs/${id}`);
  expect(again.status).toBe(200);
  expect((JSON.parse(again.bytes.toString("utf8")) as { result: { findings: unknown[] } }).result.findings).toHaveLength(40 * PART_FINDINGS);
});

it("a part removed mid-stream ends the transfer as failed, never as other bytes; the server keeps answering", async () => {
  const id = await jobWithResult(40 * PART_FINDINGS);
  const other = await jobWithResult(3 * PART_FINDINGS);
  clearPartCache();
  const r = await slowGet(`/api/jobs/${id}`);
  await r.first();
  await removeResult(Job, `${id}:1`);
  r.resume();
  expect(await r.ended).toBe("failed");
  expect(r.bytes()).toBeLessThan(40 * PART_FINDINGS * 100);
  expect(resultStreamsOpen()).toBe(0);
  expect((await get(`/api/jobs/${other}`)).status).toBe(200);
});

it("the database gone mid-stream ends the transfer as failed; the server keeps answering", async () => {
  const id = await jobWithResult(40 * PART_FINDINGS);
  clearPartCache();
  const r = await slowGet(`/api/jobs/${id}`);
  await r.first();
  await Job.db.close();
  r.resume();
  expect(await r.ended).toBe("failed");
  await until(() => resultStreamsOpen() === 0);
  const status = await fetch(`${stack.baseUrl}/api/status`);
  expect([200, 503]).toContain(status.status);
  await status.arrayBuffer();
});
