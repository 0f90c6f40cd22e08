/**
 * One reconciliation pass at a time, but never one stuck pass forever. A sweep that overlaps itself
 * would double the work of a slow pass; a sweep that waits for the previous pass to settle stops for
 * good when one promise of that pass never settles (an operation on a connection that died silently
 * during an outage), and the records it should repair stay wrong forever. So a new pass starts once the
 * current one is older than `maxMs` (the old one is left to finish or not; each repair is a guarded
 * update, so two passes at once are safe, only wasteful). Pure: the clock is given.
 */
/** How old a reconciliation pass may get before the next tick starts another. */
export const PASS_OVERDUE_MS = 120_000;

export class OnePass<T> {
  private current: { promise: Promise<T>; startedAt: number } | undefined;

  constructor(
    private readonly maxMs: number,
    private readonly onOverdue: (ageMs: number) => void = () => undefined,
  ) {}

  run(pass: () => Promise<T>, now = Date.now()): Promise<T> {
    const cur = this.current;
    if (cur && now - cur.startedAt < this.maxMs) return cur.promise;
    if (cur) this.onOverdue(now - cur.startedAt);
    const entry: { promise: Promise<T>; startedAt: number } = { promise: Promise.resolve() as unknown as Promise<T>, startedAt: now };
    entry.promise = pass().finally(() => {
      if (this.current === entry) this.current = undefined;
    });
    this.current = entry;
    return entry.promise;
  }

  get running(): boolean {
    return this.current !== undefined;
  }
}
