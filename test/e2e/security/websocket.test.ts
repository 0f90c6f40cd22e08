/**
 * WebSocket abuse (issue 14, item 1): every kind of bad frame a client can send closes that socket only,
 * with the RFC 6455 close code, and the process carries on: HTTP still answers and a watcher connected
 * before the attack still gets its messages. Frames are written byte by byte on a raw TCP socket, so
 * nothing in a client library smooths them over.
 */
import { createHash, randomBytes } from "node:crypto";
import net from "node:net";
import WebSocket from "ws";
import { api, startTagger, type Stack } from "../tagging/helpers";
import { multiPagePdf } from "../../support/pdf-fixtures";
import { pdfPool } from "../../../sdk/pdf/pool";
import { reply, startFakeLLM, type FakeLLM } from "../../support/fake-llm";

jest.setTimeout(60_000);

let stack: Stack;
let token: string;
let batchId: string;
let port: number;
let llm: FakeLLM;

beforeAll(async () => {
  // The language model takes minutes to answer: the batch stays "processing", so its watcher socket
  // stays open through the attacks.
  llm = await startFakeLLM({ knownModels: ["openai/gpt-4o-mini"] });
  // Long enough to outlast the attacks (seconds), short enough that stopping the stack does not wait on it.
  llm.responder = () => reply.delay(30_000);
  ({ stack, token } = await startTagger({ env: { LLM_BASE_URL: llm.baseURL, LLM_MAX_RETRIES: "0", LLM_TIMEOUT_MS: "35000" } }));
  port = Number(new URL(stack.baseUrl).port);
  const form = new FormData();
  form.append("files", new Blob([Buffer.from((await multiPagePdf(1)).bytes)], { type: "application/pdf" }), "a.pdf");
  form.append("config", JSON.stringify({ api_key: "sk-test-0123456789", model_name: "openai/gpt-4o-mini", num_tags: 3 }));
  const start = await api(stack.baseUrl, token, "POST", "/api/batch/start", form);
  expect(start.status).toBe(200);
  batchId = start.body.job_id;
});

afterAll(async () => {
  if (batchId) await api(stack.baseUrl, token, "POST", `/api/batch/jobs/${batchId}/cancel`);
  await llm?.stop();
  await stack?.stop();
  await pdfPool.close();
}, 180_000);

interface Frame {
  fin?: boolean;
  opcode: number;
  payload: Buffer;
  mask?: boolean;
  rsv?: number;
}

function encode({ fin = true, opcode, payload, mask = true, rsv = 0 }: Frame): Buffer {
  const len = payload.length;
  const head: number[] = [(fin ? 0x80 : 0) | (rsv << 4) | opcode];
  const m = mask ? 0x80 : 0;
  if (len < 126) head.push(m | len);
  else if (len < 65536) head.push(m | 126, len >> 8, len & 255);
  else {
    head.push(m | 127, 0, 0, 0, 0);
    head.push((len >>> 24) & 255, (len >>> 16) & 255, (len >>> 8) & 255, len & 255);
  }
  if (!mask) return Buffer.concat([Buffer.from(head), payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ key[i % 4]!));
  return Buffer.concat([Buffer.from(head), key, body]);
}

/** Opens a raw WebSocket (handshake by hand) and resolves once the 101 has arrived. */
function rawSocket(path: string): Promise<{ sock: net.Socket; closeCode: Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString("base64");
    const sock = net.connect(port, "127.0.0.1");
    let buf = Buffer.alloc(0);
    let upgraded = false;
    let closeResolve: (c: number | null) => void = () => undefined;
    const closeCode = new Promise<number | null>((r) => (closeResolve = r));
    sock.on("error", () => closeResolve(null));
    sock.on("close", () => closeResolve(null));
    sock.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      if (!upgraded) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = buf.subarray(0, end).toString();
        if (!head.startsWith("HTTP/1.1 101")) return reject(new Error(head));
        const accept = createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
        expect(head).toContain(`Sec-WebSocket-Accept: ${accept}`);
        upgraded = true;
        buf = buf.subarray(end + 4);
        resolve({ sock, closeCode });
      }
      // Server frames are unmasked; find the close frame (opcode 8) and read its code.
      let off = 0;
      while (off + 2 <= buf.length) {
        const op = buf[off]! & 0x0f;
        let len = buf[off + 1]! & 0x7f;
        let p = off + 2;
        if (len === 126) {
          len = buf.readUInt16BE(p);
          p += 2;
        }
        if (p + len > buf.length) break;
        if (op === 8) closeResolve(len >= 2 ? buf.readUInt16BE(p) : 1005);
        off = p + len;
      }
      buf = buf.subarray(off);
    });
    sock.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}

async function stillServing(watcher: WebSocket, seen: () => number, messages: unknown[] = []): Promise<void> {
  const status = await fetch(`${stack.baseUrl}/api/status`);
  expect(status.status).toBe(200);
  expect(await status.json()).toEqual({ status: "ok", service: "document-meta-tagging-api" });
  expect({ state: watcher.readyState, messages }).toEqual({ state: WebSocket.OPEN, messages });
  // The bystander still talks: a ping gets its pong.
  const before = seen();
  await new Promise<void>((resolve) => {
    watcher.once("pong", () => resolve());
    watcher.ping();
  });
  expect(seen()).toBe(before + 1);
}

const text = (s: string) => Buffer.from(s, "utf8");

const ATTACKS: Array<{ name: string; frames: () => Buffer[]; code: number }> = [
  { name: "a 70 KiB text frame", frames: () => [encode({ opcode: 1, payload: Buffer.alloc(70 * 1024, 0x61) })], code: 1009 },
  { name: "a 70 KiB binary frame", frames: () => [encode({ opcode: 2, payload: randomBytes(70 * 1024) })], code: 1009 },
  {
    name: "fragments adding up to over 64 KiB",
    frames: () => [
      encode({ fin: false, opcode: 1, payload: Buffer.alloc(40 * 1024, 0x62) }),
      encode({ fin: true, opcode: 0, payload: Buffer.alloc(40 * 1024, 0x62) }),
    ],
    code: 1009,
  },
  { name: "invalid UTF-8 in a text frame", frames: () => [encode({ opcode: 1, payload: Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0x7d]) })], code: 1007 },
  { name: "an unknown opcode", frames: () => [encode({ opcode: 3, payload: text("x") })], code: 1002 },
  { name: "an unmasked client frame", frames: () => [encode({ opcode: 1, payload: text("{}"), mask: false })], code: 1002 },
  { name: "reserved bits without an extension", frames: () => [encode({ opcode: 1, payload: text("{}"), rsv: 4 })], code: 1002 },
  { name: "a control frame over 125 bytes", frames: () => [encode({ opcode: 9, payload: Buffer.alloc(200) })], code: 1002 },
  { name: "a fragmented control frame", frames: () => [encode({ fin: false, opcode: 9, payload: text("p") })], code: 1002 },
  { name: "a continuation without a start", frames: () => [encode({ opcode: 0, payload: text("x") })], code: 1002 },
  { name: "a close frame with an invalid code", frames: () => [encode({ opcode: 8, payload: Buffer.from([0x03, 0xe7]) })], code: 1002 },
];

describe("bad WebSocket frames close only their own socket", () => {
  let watcher: WebSocket;
  const messages: Array<{ type?: string }> = [];
  let pongs = 0;

  beforeAll(async () => {
    watcher = new WebSocket(`${stack.baseUrl.replace(/^http/, "ws")}/api/batch/ws/${batchId}?token=${encodeURIComponent(token)}`);
    watcher.on("message", (d) => messages.push(JSON.parse(String(d)) as { type?: string }));
    watcher.on("pong", () => pongs++);
    await new Promise<void>((resolve) => watcher.once("message", () => resolve()));
    expect(messages[0]).toMatchObject({ type: "catchup" });
  });

  afterAll(() => watcher?.close());

  for (const withToken of [false, true]) {
    for (const attack of ATTACKS) {
      it(`${attack.name} ${withToken ? "with" : "without"} a token: close ${attack.code}, server carries on`, async () => {
        const path = `/api/batch/ws/${withToken ? batchId : "x"}${withToken ? `?token=${encodeURIComponent(token)}` : ""}`;
        const { sock, closeCode } = await rawSocket(path);
        for (const f of attack.frames()) sock.write(f);
        const code = await closeCode;
        sock.destroy();
        if (withToken) expect(code).toBe(attack.code);
        // Without a token the server may already be closing with 1008 when the frame lands.
        else expect([attack.code, 1008]).toContain(code);
        await stillServing(watcher, () => pongs, messages);
      });
    }
  }

  it("an abrupt TCP reset after the upgrade leaves the server serving", async () => {
    const { sock } = await rawSocket(`/api/batch/ws/${batchId}?token=${encodeURIComponent(token)}`);
    sock.write(encode({ opcode: 1, payload: Buffer.alloc(3000, 0x61) }).subarray(0, 100));
    sock.resetAndDestroy();
    await new Promise((r) => setTimeout(r, 100));
    await stillServing(watcher, () => pongs, messages);
  });

  it("an abrupt TCP reset in the middle of the handshake leaves the server serving", async () => {
    const sock = net.connect(port, "127.0.0.1");
    sock.on("error", () => undefined);
    await new Promise<void>((r) => sock.once("connect", () => r()));
    sock.write(`GET /api/batch/ws/x HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    sock.resetAndDestroy();
    await new Promise((r) => setTimeout(r, 100));
    await stillServing(watcher, () => pongs, messages);
  });

  it("a garbage upgrade request gets a 4xx and the server carries on", async () => {
    const r = await new Promise<string>((resolve) => {
      const sock = net.connect(port, "127.0.0.1");
      let out = "";
      sock.on("data", (d) => (out += d.toString()));
      sock.on("close", () => resolve(out));
      sock.on("error", () => resolve(out));
      sock.write(`GET /api/batch/ws/x HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 99\r\n\r\n`);
    });
    expect(r).toMatch(/^HTTP\/1\.1 4\d\d/);
    await stillServing(watcher, () => pongs, messages);
  });

  it("fifty sockets attacking at once leave the server and the watcher alive", async () => {
    const socks = await Promise.all(Array.from({ length: 50 }, () => rawSocket(`/api/batch/ws/${batchId}?token=${encodeURIComponent(token)}`)));
    socks.forEach(({ sock }, i) => ATTACKS[i % ATTACKS.length]!.frames().forEach((f) => sock.write(f)));
    const codes = await Promise.all(socks.map((s) => s.closeCode));
    socks.forEach((s) => s.sock.destroy());
    codes.forEach((c, i) => expect(c).toBe(ATTACKS[i % ATTACKS.length]!.code));
    await stillServing(watcher, () => pongs, messages);
  });
});
