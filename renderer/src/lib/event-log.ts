// The events feed's memory: the last `cap` events in a ring (oldest overwritten), read newest first.
// A ring, not an array copied per event: a burst of thousands of events costs one slot each.
export class EventLog<T> {
  private readonly slots: T[] = [];
  private next = 0;

  constructor(readonly cap: number) {
    if (!Number.isInteger(cap) || cap < 1) throw new Error(`event log: capacity must be a positive integer, got ${cap}`);
  }

  get size(): number { return this.slots.length; }

  push(item: T): void {
    if (this.slots.length < this.cap) this.slots.push(item);
    else this.slots[this.next] = item;
    this.next = (this.next + 1) % this.cap;
  }

  /** Newest first: at(0) is the last pushed. */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.slots.length) return undefined;
    return this.slots[(this.next - 1 - i + this.cap * 2) % this.cap];
  }

  /** The items that pass `keep`, newest first. */
  filter(keep: (item: T) => boolean): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.slots.length; i++) {
      const item = this.at(i) as T;
      if (keep(item)) out.push(item);
    }
    return out;
  }

  clear(): void { this.slots.length = 0; this.next = 0; }
}
