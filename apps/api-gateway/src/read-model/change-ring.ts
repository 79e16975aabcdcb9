// The watch cache: the most recent changes in log order, so a watch can resume from a resourceVersion
// (a log position). Changes older than the ring answer 410 Gone, and the client lists again.

export interface Positioned {
  position: number;
}

export class ChangeRing<T extends Positioned> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private size = 0;
  /** Every change at or below this position has been evicted (0: nothing was). */
  private evictedUpTo = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`capacity must be a positive integer, got ${capacity}`);
    this.items = new Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  /** Positions never go down: a change is appended at or after the previous one. */
  push(item: T): void {
    const last = this.size ? this.at(this.size - 1) : undefined;
    if (last && item.position < last.position) throw new Error(`change at ${item.position} arrived after ${last.position}`);
    if (this.size === this.capacity) {
      this.evictedUpTo = this.at(0).position;
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
      return;
    }
    this.items[(this.start + this.size) % this.capacity] = item;
    this.size++;
  }

  /**
   * Every change after `position`, oldest first; null when some of them were already evicted (too old).
   * A change evicted at exactly `position` is fine: the client has seen that position.
   */
  since(position: number): T[] | null {
    if (position < this.evictedUpTo) return null;
    // Binary search for the first change after `position`.
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).position <= position) lo = mid + 1;
      else hi = mid;
    }
    const out: T[] = [];
    for (let i = lo; i < this.size; i++) out.push(this.at(i));
    return out;
  }

  /** The oldest position a watch may still resume from. */
  get oldestResumable(): number {
    return this.evictedUpTo;
  }

  private at(i: number): T {
    return this.items[(this.start + i) % this.capacity]!;
  }
}
