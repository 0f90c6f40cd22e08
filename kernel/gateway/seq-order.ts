/**
 * Releases numbered events in order. Events of one batch are numbered by its record (`seq`), but updates
 * made by different workers can reach a gateway out of order. Each event is held until every lower
 * number has been released; a gap (a change that sent no event, or an event lost with a node) is waited
 * for `gapMs`, then skipped, so nothing is dropped, nothing is sent twice, and nothing stalls.
 */
export class SeqOrder<E extends { seq: number }> {
  private readonly pending = new Map<number, E>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(
    private next: number,
    private readonly release: (e: E) => void,
    private readonly gapMs = 400,
  ) {}

  /** Accepts an event; duplicates and events at or below what was already released are ignored. */
  push(e: E): void {
    if (this.closed || e.seq < this.next || this.pending.has(e.seq)) return;
    this.pending.set(e.seq, e);
    this.flush();
  }

  /** Stops releasing (the socket closed). */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.pending.clear();
  }

  private flush(): void {
    clearTimeout(this.timer);
    while (!this.closed && this.pending.has(this.next)) {
      const e = this.pending.get(this.next)!;
      this.pending.delete(this.next);
      this.next++;
      this.release(e);
    }
    if (!this.closed && this.pending.size) {
      this.timer = setTimeout(() => {
        this.next = Math.min(...this.pending.keys());
        this.flush();
      }, this.gapMs);
      this.timer.unref?.();
    }
  }
}
