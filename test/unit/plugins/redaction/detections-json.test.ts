/** The detections output's text (detections-json.ts): byte for byte what JSON.stringify(result, null, 2) gave. */
import { faker } from "@faker-js/faker";
import { detectionsJson, detectionsJsonChunks } from "../../../../plugins/redaction/detections-json";
import { COORDINATES, type DetectionResult } from "../../../../plugins/redaction/types";

function result(findings: number): DetectionResult {
  faker.seed(1414 + findings);
  return {
    phase: "detection",
    pageCount: 3,
    coordinates: COORDINATES,
    pages: [1, 2, 3].map((page) => ({ page, width: 612, height: 792, rotation: 0, source: page === 3 ? "ocr" : "text", ...(page === 3 ? { confidence: 0.91 } : {}) })),
    findings: Array.from({ length: findings }, (_, i) => ({
      id: `f${i}`, page: 1 + (i % 3), label: i % 2 ? "EMAIL_ADDRESS" : "PERSON",
      // Quotes, a dollar pattern, line breaks and non-Latin text: what could break a splice.
      text: i % 7 === 0 ? `${faker.person.fullName()} "$&" \n\u00e9\u4e2d` : faker.internet.email(),
      score: 0.85, recognizer: "email", boxes: [{ x: 10.5, y: 20 + i, width: 80, height: 9 }],
    })) as unknown as DetectionResult["findings"],
    labels: ["EMAIL_ADDRESS", "PERSON", "MANUAL"],
  } as unknown as DetectionResult;
}

describe("detectionsJson", () => {
  it.each([0, 1, 7, 1203])("%i findings: the same text as one JSON.stringify", async (n) => {
    const r = result(n);
    const text = await detectionsJson(r, 100);
    expect(text).toBe(JSON.stringify(r, null, 2) + "\n");
    expect(JSON.parse(text)).toEqual(r);
  });

  it("is made in chunks of at most `perTurn` findings, with the event loop turning between them", async () => {
    const r = result(1203);
    let turns = 0;
    let stop = false;
    const tick = () => {
      turns++;
      if (!stop) setImmediate(tick);
    };
    setImmediate(tick);
    const chunks: Buffer[] = [];
    const turnsAt: number[] = [];
    for await (const c of detectionsJsonChunks(r, 100)) {
      chunks.push(c);
      turnsAt.push(turns);
    }
    stop = true;
    // The frame's head, 13 chunks of findings, the frame's tail; the loop turned before each findings chunk.
    expect(chunks).toHaveLength(15);
    for (let i = 2; i < 14; i++) expect(turnsAt[i]).toBeGreaterThan(turnsAt[i - 1]!);
    expect(Buffer.concat(chunks).toString("utf8")).toBe(JSON.stringify(r, null, 2) + "\n");
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(Buffer.byteLength(JSON.stringify(r.findings.slice(0, 110), null, 2)) * 1.5);
  });
});
