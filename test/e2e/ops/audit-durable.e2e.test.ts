/**
 * Audit entries survive the audit writer's outages. Gateway, auth and jobs run in this process on the real
 * NATS; the audit service runs as its own `docmill start --services audit` process on a private database
 * server (H2 file, so it can be stopped and started again). Two outages:
 * - its database stops: the actions of that time still answer, their entries wait on the durable
 *   `audit-entries` channel, and once the database is back every one of them is stored, once;
 * - the audit process is SIGKILLed: the entries of the actions made while no writer runs wait on JetStream
 *   and a new process stores them.
 * The entries are read from the database itself.
 */
import path from "node:path";
import { randomBytes } from "node:crypto";
import { resetConfig } from "../../../kernel/config";
import { ADMIN, client, withDb } from "../../integration/auth/helpers";
import { makeTempDir, startMongoServer, stopMongoServer, type MongoServer, type SpawnedProcess } from "../../support/infra";
import { processEnv, startDocmill } from "../../support/processes";
import { startRuntime, type Runtime } from "../runtime/support";

jest.setTimeout(300_000);

const SECRET = `audit-durable-${randomBytes(16).toString("hex")}`;
let rt: Runtime;
let mongo: MongoServer;
let auditDb = "";
let http: ReturnType<typeof client>;
let admin = "";
const writers: SpawnedProcess[] = [];

interface Stored {
  _id: string;
  action: string;
  outcome: string;
  requestId: string | null;
  target: { type: string; id: string | null };
  actor: { id: string | null };
}

async function startWriter(): Promise<SpawnedProcess> {
  const p = await startDocmill(["audit"], processEnv({ nats: rt.nats, ns: rt.ns, mongoUrl: auditDb, secret: SECRET }, `${rt.ns}-audit-${writers.length}`));
  writers.push(p);
  await rt.stack.broker.waitForServices(["audit"], 60_000);
  return p;
}

/** The stored entries with these request ids (read from the audit database itself). */
async function stored(requestIds: string[]): Promise<Stored[]> {
  return withDb(auditDb, async (db) => (await db.collection("audit_log").find({ requestId: { $in: requestIds } }).toArray()) as unknown as Stored[]);
}

async function waitStored(requestIds: string[], count: number): Promise<Stored[]> {
  let got: Stored[] = [];
  for (let i = 0; i < 600; i++) {
    got = await stored(requestIds).catch(() => []);
    if (got.length >= count) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`only ${got.length} of ${count} audit entries were stored`);
}

/** Audited actions: a refused sign-in and a user created by the admin, each under its own request id. */
async function act(tag: string): Promise<{ requestIds: string[]; userId: string }> {
  const bad = `${tag}-refused-${randomBytes(3).toString("hex")}`;
  const made = `${tag}-created-${randomBytes(3).toString("hex")}`;
  const refused = await http("POST", "/v1/auth/login", { json: { login: `${tag}@example.com`, password: "not the password" }, headers: { "x-request-id": bad } });
  expect(refused.status).toBe(401);
  const created = await http("POST", "/v1/users", { json: { email: `${tag}.${randomBytes(2).toString("hex")}@example.com`, password: "Durable1!xyz", roles: ["User"] }, token: admin, headers: { "x-request-id": made } });
  expect(created.status).toBe(201);
  return { requestIds: [bad, made], userId: created.body.userId };
}

beforeAll(async () => {
  process.env.JWT_SECRET_KEY = SECRET;
  mongo = await startMongoServer({ dataFile: path.join(makeTempDir("docmill-audit-h2-"), "audit") });
  auditDb = mongo.url("audit");
  rt = await startRuntime();
  http = client(rt.stack.baseUrl);
  await startWriter();
  admin = (await http("POST", "/v1/auth/login", { json: { login: ADMIN.email, password: ADMIN.password } })).body.token;
  expect(admin).toBeTruthy();
});

afterAll(async () => {
  for (const w of writers) await w.kill("SIGKILL");
  await rt?.stop();
  if (mongo) await stopMongoServer(mongo, "SIGKILL");
  delete process.env.JWT_SECRET_KEY;
  resetConfig();
});

it("stores the entries of actions made while the audit database was down, once each, after it is back", async () => {
  const before = await act("before");
  expect(await waitStored(before.requestIds, 2)).toHaveLength(2);

  await stopMongoServer(mongo, "SIGTERM");
  const during = [await act("outage1"), await act("outage2")];
  const ids = during.flatMap((d) => d.requestIds);
  mongo = await startMongoServer({ port: mongo.port, dataFile: mongo.dataFile });

  const got = await waitStored(ids, 4);
  // Once each: an entry whose direct write timed out but landed anyway is not stored twice.
  await new Promise((r) => setTimeout(r, 3000));
  const again = await stored(ids);
  expect(again).toHaveLength(4);
  expect(new Set(again.map((e) => e._id)).size).toBe(4);
  for (const d of during) {
    const [refusedId, createdId] = d.requestIds;
    expect(got.find((e) => e.requestId === refusedId)).toMatchObject({ action: "auth.login", outcome: "failure" });
    expect(got.find((e) => e.requestId === createdId)).toMatchObject({ action: "user.created", outcome: "success", target: { type: "user", id: d.userId } });
  }
  // And the log reads them back through the API.
  const listed = await http("GET", `/v1/audit?requestId=${ids[3]}`, { token: admin });
  expect(listed.status).toBe(200);
  expect(listed.body.items).toHaveLength(1);
  expect(listed.body.items[0]).toMatchObject({ action: "user.created", target: { id: during[1]!.userId } });
});

it("keeps the entries of actions made while the audit process was killed, and a new process stores them", async () => {
  await writers[writers.length - 1]!.kill("SIGKILL");
  // The registry forgets the dead node only after its heartbeat times out; until then calls fail over.
  const during = [await act("killed1"), await act("killed2")];
  const ids = during.flatMap((d) => d.requestIds);
  expect(await stored(ids)).toHaveLength(0);

  await startWriter();
  const got = await waitStored(ids, 4);
  expect(got.map((e) => e.action).sort()).toEqual(["auth.login", "auth.login", "user.created", "user.created"]);
  await new Promise((r) => setTimeout(r, 2000));
  expect(await stored(ids)).toHaveLength(4);
});
