/**
 * The `detections` output: exactly the bytes of `JSON.stringify(result, null, 2) + "\n"`, made
 * a few hundred findings at a time with the event loop let go between them. A long document has tens of
 * thousands of findings (megabytes of JSON): one synchronous stringify of them held the loop the gateway
 * shares in the embedded shape (issue 14), and so did joining the pieces into one string, encoding it
 * and hashing it in one piece (0.4-0.7 s at 58,717 findings, a profile of the 100-page directory in
 * test/e2e/security/event-loop.test.ts). Made in chunks, no step holds more than a chunk and one copy.
 */
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

/**
 * The output's bytes in one Buffer, for ctx.writeOutput. Not a stream: a stream's store has no length to
 * bound its wait by, so when the transporter or the storage node went away in the middle (split shape),
 * the job waited out the 10-minute stream timeout instead of failing over in a minute (the chaos test).
 * The chunks are joined by one copy; the store hashes and uploads it in slices.
 */
export async function detectionsJsonBytes(result: DetectionResult, perTurn = PER_TURN): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of detectionsJsonChunks(result, perTurn)) chunks.push(c);
  return Buffer.concat(chunks);
}

/** The output's whole text (tests). */
export async function detectionsJson(result: DetectionResult, perTurn = PER_TURN): Promise<string> {
  return (await detectionsJsonBytes(result, perTurn)).toString("utf8");
}
