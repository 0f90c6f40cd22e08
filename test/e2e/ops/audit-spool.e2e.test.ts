/**
 * An audit entry survives the acting process dying while NATS is away. The acting process (gateway, auth,
 * keys) and the audit service run as two `docmill start` processes on a private NATS; each has its own
 * data folder, so only the acting process's own next life can replay its spool. NATS is killed, a sign-in
 * is refused (the entry can go neither to the audit service nor to the channel, so it is fsync'd into the
 * acting process's spool file), the acting process is SIGKILLed, NATS and the process start again, and
 * the entry is stored exactly once, read from the database and through GET /v1/audit.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { ADMIN, client, withDb } from "../../integration/auth/helpers";
import { makeTempDir, type SpawnedProcess } from "../../support/infra";
import { startSplitStack, until, type SplitStack } from "../../support/processes";

jest.setTimeout(420_000);

let s: SplitStack;
let http: ReturnType<typeof client>;
let admin = "";
const actingData = makeTempDir("docmill-acting-data-");

const spoolDir = () => path.join(actingData, "audit-spool", s.ns);
const spoolFiles = () => (existsSync(spoolDir()) ? readdirSync(spoolDir()).filter((n) => n.endsWith(".jsonl")) : []);
const stored = (requestId: string) => withDb(s.mongoUrl, (db) => db.collection("audit_log").find({ requestId }).toArray());
const acting = () => s.start("acting", ["gateway", "auth", "keys"], { http: true, env: { DOCMILL_DATA_DIR: actingData } });

async function refusedSignIn(requestId: string, email: string, password: string): Promise<void> {
  const r = await http("POST", "/v1/auth/login", { json: { login: email, password }, headers: { "x-request-id": requestId } });
  expect(r.status).toBe(401);
}

beforeAll(async () => {
  s = await startSplitStack("as");
  await s.start("audit", ["audit"], { env: { DOCMILL_DATA_DIR: makeTempDir("docmill-audit-data-") } });
  await acting();
  http = client(s.base);
  admin = (await http("POST", "/v1/auth/login", { json: { login: ADMIN.email, password: ADMIN.password } })).body.token;
  expect(admin).toBeTruthy();
  // NATS up: the entry is written directly, nothing is spooled.
  const warmup = `warm-${randomBytes(4).toString("hex")}`;
  await refusedSignIn(warmup, "nobody@example.com", "wrong password");
  await until("the warm-up entry", async () => (await stored(warmup)).length === 1);
  expect(spoolFiles()).toEqual([]);
});

afterAll(async () => {
  await s?.close();
});

it("stores exactly once the entry of an action whose process was killed while NATS was away", async () => {
  const first: SpawnedProcess = s.procs.at(-1)!;
  await s.stopNats();
  const requestId = `spooled-${randomBytes(4).toString("hex")}`;
  const email = `spool.${randomBytes(3).toString("hex")}@example.com`;
  const password = `not-it-${randomBytes(4).toString("hex")}`;
  await refusedSignIn(requestId, email, password);

  // The answer came after the entry was fsync'd: one file, one line, exactly the entry, nothing personal.
  const files = spoolFiles();
  expect(files).toHaveLength(1);
  const file = path.join(spoolDir(), files[0]!);
  expect(existsSync(`${file}.lock`)).toBe(true);
  const text = readFileSync(file, "utf8");
  const lines = text.trim().split("\n").map((l) => JSON.parse(l) as { id: string; action: string; outcome: string; requestId: string; target: { type: string } });
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ action: "auth.login", outcome: "failure", requestId, target: { type: "account" } });
  expect(text).not.toContain(password);
  expect(text).not.toContain(email);

  // kill -9 while the entry is only on disk; then NATS and the acting process come back.
  await first.kill("SIGKILL");
  expect(await stored(requestId)).toHaveLength(0);
  await s.restartNats();
  const second = await acting();

  // Once the dead owner's lock is stale (20 s), the new process replays the file and removes it.
  await until("the spooled entry stored", async () => (await stored(requestId)).length > 0, 1500);
  await second.waitForOutput(/audit spool \S+: 1 entries of a stopped process sent to the audit channel/, 30_000);
  await new Promise((r) => setTimeout(r, 3000));
  const got = await stored(requestId);
  expect(got).toHaveLength(1);
  expect(got[0]).toMatchObject({ _id: lines[0]!.id, action: "auth.login", outcome: "failure" });
  expect(spoolFiles()).toEqual([]);
  expect(existsSync(`${file}.lock`)).toBe(false);

  // And the log reads it back through the API.
  const token = await until("a sign-in on the new process", async () => (await http("POST", "/v1/auth/login", { json: { login: ADMIN.email, password: ADMIN.password } })).body.token as string);
  const listed = await http("GET", `/v1/audit?requestId=${requestId}`, { token });
  expect(listed.status).toBe(200);
  expect(listed.body.items).toHaveLength(1);
  expect(listed.body.items[0]).toMatchObject({ id: lines[0]!.id, action: "auth.login", outcome: "failure" });
});

it("sends the spool once NATS is back to the process that wrote it, and removes the file", async () => {
  await s.stopNats();
  const requestIds = [`back-${randomBytes(4).toString("hex")}`, `back-${randomBytes(4).toString("hex")}`];
  for (const id of requestIds) await refusedSignIn(id, `back.${randomBytes(3).toString("hex")}@example.com`, "still wrong");
  const [file] = spoolFiles();
  expect(readFileSync(path.join(spoolDir(), file!), "utf8").trim().split("\n")).toHaveLength(2);
  await s.restartNats();
  await until("both entries stored", async () => (await Promise.all(requestIds.map(stored))).every((r) => r.length === 1));
  await until("the spool emptied", async () => spoolFiles().length === 0);
  await new Promise((r) => setTimeout(r, 2000));
  for (const id of requestIds) expect(await stored(id)).toHaveLength(1);
});

