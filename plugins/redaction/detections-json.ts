/**
 * The `detections` output: exactly the bytes of `JSON.stringify(result, null, 2) + "\n"`, made and stored
 * a few hundred findings at a time with the event loop let go between them. A long document has tens of
 * thousands of findings (megabytes of JSON): one synchronous stringify of them held the loop the gateway
 * shares in the embedded shape (issue 14), and so did joining the pieces into one string, encoding it
 * and hashing it in one piece (0.4-0.7 s at 58,717 findings, a profile of the 100-page directory in
 * test/e2e/security/event-loop.test.ts). Stored as a stream of chunks, no step holds more than a chunk.
 */
import { Readable } from "node:stream";
import { setImmediate as yieldLoop } from "node:timers/promises";
import type { DetectionResult } from "./types";

/** Findings stringified between two turns of the event loop (one chunk of the output). */
const PER_TURN = 500;

/** Where the findings go in the frame: a top-level key is the only text at two spaces' indent after a line break. */
const SLOT = '\n  "findings": []';

/** The output's bytes in chunks: the frame up to the findings, a chunk per `perTurn` findings, the rest of the frame. */
export async function* detectionsJsonChunks(result: DetectionResult, perTurn = PER_TURN): AsyncGenerator<Buffer> {
  const findings = result.findings;
  const frame = JSON.stringify({ ...result, findings: [] }, null, 2) + "\n";
  if (!findings.length) {
    yield Buffer.from(frame);
    return;
  }
  const at = frame.indexOf(SLOT);
  yield Buffer.from(frame.slice(0, at) + '\n  "findings": [\n');
  for (let i = 0; i < findings.length; i += perTurn) {
    await yieldLoop();
    // One level deeper than a stringify of the finding alone: JSON strings hold no raw line breaks.
    const pieces = findings.slice(i, i + perTurn).map((f) => "    " + JSON.stringify(f, null, 2).replace(/\n/g, "\n    "));
    yield Buffer.from((i ? ",\n" : "") + pieces.join(",\n"));
  }
  yield Buffer.from("\n  ]" + frame.slice(at + SLOT.length));
}

/** The output as a stream for ctx.writeOutput. */
export function detectionsJsonStream(result: DetectionResult, perTurn = PER_TURN): Readable {
  return Readable.from(detectionsJsonChunks(result, perTurn), { objectMode: false });
}

/** The output's whole text (tests; callers that need it as a string). */
export async function detectionsJson(result: DetectionResult, perTurn = PER_TURN): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of detectionsJsonChunks(result, perTurn)) chunks.push(c);
  return Buffer.concat(chunks).toString("utf8");
}
