// A counting semaphore: bounds how many layer transfers run at once.
export class Semaphore {
  private waiting: (() => void)[] = [];
  constructor(private free: number) {}
  async acquire(): Promise<() => void> {
    if (this.free > 0) { this.free--; return () => this.release(); }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return () => this.release();
  }
  /** True when acquire() would wait. */
  get busy(): boolean { return this.free === 0; }
  private release(): void {
    const next = this.waiting.shift();
    if (next) next(); else this.free++;
  }
}
