/** One attempt against a real local HTTP server, and the SSRF rules at delivery time. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { postSigned } from "../../../../kernel/webhooks/send";

let server: http.Server;
let base = "";
const seen: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let b = "";
    req.on("data", (c) => (b += c));
    req.on("end", () => {
      seen.push({ headers: req.headers, body: b });
      if (req.url === "/slow") return; // never answers
      res.statusCode = req.url === "/gone" ? 410 : req.url === "/moved" ? 301 : 204;
      if (req.url === "/moved") res.setHeader("location", "http://127.0.0.1:1/");
      res.end("a body we must not keep");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const opts = { allowPrivate: true, timeoutMs: 2000 };

it("posts the body with the headers and reads a 2xx as delivered", async () => {
  const r = await postSigned(`${base}/ok`, '{"a":1}', { "x-test": "1", "content-type": "application/json" }, opts);
  expect(r).toMatchObject({ ok: true, statusCode: 204, error: null });
  expect(seen.at(-1)).toMatchObject({ body: '{"a":1}', headers: { "x-test": "1", "content-length": "7" } });
});

it("treats any other status, a redirect included, as a failed attempt", async () => {
  expect(await postSigned(`${base}/gone`, "{}", {}, opts)).toMatchObject({ ok: false, statusCode: 410, error: "The endpoint answered HTTP 410" });
  expect(await postSigned(`${base}/moved`, "{}", {}, opts)).toMatchObject({ ok: false, statusCode: 301 });
});

it("gives up on an endpoint that does not answer in time", async () => {
  expect(await postSigned(`${base}/slow`, "{}", {}, { allowPrivate: true, timeoutMs: 300 })).toMatchObject({ ok: false, statusCode: null, error: "No answer within 0.3 s" });
});

it("refuses 127.0.0.1, and a name resolving to a private address, unless private addresses are allowed", async () => {
  const before = seen.length;
  const refused = await postSigned(`${base}/ok`, "{}", {}, { allowPrivate: false, timeoutMs: 2000 });
  expect(refused).toMatchObject({ ok: false, refused: true, statusCode: null });
  expect(refused.error).toMatch(/Refused to deliver to 127\.0\.0\.1: .*loopback/);
  const rebinding = await postSigned("http://hooks.example.com/x", "{}", {}, { allowPrivate: false, timeoutMs: 2000, resolve: async () => [{ address: "93.184.216.34", family: 4 }, { address: "10.0.0.5", family: 4 }] });
  expect(rebinding).toMatchObject({ ok: false, refused: true });
  expect(seen.length).toBe(before);
});
