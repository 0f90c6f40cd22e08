/**
 * The report and certificate texts built in turns (json-in-turns.ts, certificate.ts canonicalJsonInTurns)
 * are byte for byte what the one-step stringifiers give: clients and the certificate's signature depend
 * on those bytes.
 */
import { prettyJson } from "../../../../plugins/redaction/json-in-turns";
import { canonicalJson, canonicalJsonInTurns } from "../../../../plugins/redaction/redact/certificate";

function report(areas: number): Record<string, unknown> {
  return {
    jobId: "j-1",
    fileName: "Zoë \"O'Brien\"\n$&.pdf",
    empty: [],
    nothing: {},
    gone: undefined,
    fn: () => 1,
    when: new Date("2026-12-01T23:00:00Z"),
    pages: [{ page: 1, method: "object" }, { page: 2, method: "raster", extra: [1, [2, []]] }],
    areas: Array.from({ length: areas }, (_, i) => ({
      page: 1 + (i % 40), box: { x: i / 3, y: -0, width: 1e-7, height: 12 }, label: i % 2 ? "EMAIL_ADDRESS" : "PHONE_NUMBER",
      source: "finding", findingId: `p${i}-e`, detector: i % 5 ? "email" : undefined, score: i % 7 ? 0.85 : null, text: "नमस्ते\t\u2028",
    })),
    mixed: Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? undefined : i % 3 === 1 ? [i, { n: i }] : `s${i}`)),
    certificate: { areas: Array.from({ length: 400 }, (_, i) => ({ page: i, b: { z: 1, a: 2 } })), verification: { leaks: 0, methods: ["structure"] } },
  };
}

test.each([0, 3, 255, 256, 3000])("prettyJson of a report with %i areas is JSON.stringify(report, null, 2)", async (n) => {
  const value = report(n);
  expect(await prettyJson(value)).toBe(JSON.stringify(value, null, 2));
});

test("prettyJson of plain values and arrays at the top", async () => {
  for (const v of [null, 1, "x", true, [], {}, Array.from({ length: 600 }, (_, i) => ({ i })), [undefined, 1]]) {
    expect(await prettyJson(v)).toBe(JSON.stringify(v, null, 2));
  }
});

test.each([0, 300, 3000])("canonicalJsonInTurns of a certificate body with %i areas is canonicalJson(body)", async (n) => {
  const value = report(n);
  delete value.fn;
  expect(await canonicalJsonInTurns(value)).toBe(canonicalJson(value));
});
