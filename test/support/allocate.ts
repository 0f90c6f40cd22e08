/** A compute-thread function for the memory meter's test (test/unit/sdk/memory-meter.test.ts). */

/** Holds `mb` MiB of touched ArrayBuffer memory for `ms` milliseconds, then lets it go. */
export async function hold(mb: number, ms: number): Promise<number> {
  const bytes = new Uint8Array(mb * 1024 * 1024);
  bytes.fill(7);
  await new Promise((r) => setTimeout(r, ms));
  return bytes[bytes.length - 1]!;
}
