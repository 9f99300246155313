// Leases, in containerd's sense: an operation that writes into the store (pull, load, import,
// commit, push keeping a compressed copy) holds one from before its first write until its image
// record (the GC root) is in place. Whatever the blob and layer stores write or hand back while
// any lease is held is pinned to every held lease, and the collector never deletes a pinned item,
// so content between its commit and the image that will reference it is never collected.
// Leases live in memory only: after a restart no operation is in progress.

export interface LeaseOptions {
  /** Released by itself after this long without use (a pull that failed without saying so). */
  idleMs?: number;
  /** Released by itself after this long in any case (a hold never dropped); containerd's default is a day too. */
  maxMs?: number;
}

export class Lease {
  readonly blobs = new Set<string>();
  readonly layers = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private released = false;
  /** Transfers in progress: the idle clock stops while any runs (a big layer takes long). */
  private holds = 0;

  private readonly deadline: NodeJS.Timeout | undefined;

  constructor(private readonly owner: LeaseSet, private readonly opts: LeaseOptions) {
    this.touch();
    if (opts.maxMs !== undefined) {
      this.deadline = setTimeout(() => this.owner.release(this, 'expired'), opts.maxMs);
      this.deadline.unref();
    }
  }

  pinBlob(digest: string): void { this.blobs.add(digest); this.touch(); }
  pinLayer(chainId: string): void { this.layers.add(chainId); this.touch(); }

  /** Restarts the idle clock (each use of the lease by its operation). */
  touch(): void {
    if (this.released || this.opts.idleMs === undefined) return;
    clearTimeout(this.timer);
    if (this.holds > 0) return;
    this.timer = setTimeout(() => this.owner.release(this, 'expired'), this.opts.idleMs);
    this.timer.unref();
  }

  /** A transfer starts: the lease does not expire until every hold is dropped. */
  hold(): void { this.holds++; this.touch(); }

  unhold(): void {
    if (this.holds > 0) this.holds--;
    this.touch();
  }

  get active(): boolean { return !this.released; }

  release(): void { this.owner.release(this, 'released'); }

  /** Called by the set only. */
  end(): void {
    this.released = true;
    clearTimeout(this.timer);
    clearTimeout(this.deadline);
  }
}

export class LeaseSet {
  private readonly held = new Set<Lease>();

  /** `onEnd` runs after a lease that pinned something ends (the collector may have work then). */
  constructor(private readonly onEnd: (lease: Lease, why: 'released' | 'expired') => void = () => {}) {}

  acquire(opts: LeaseOptions = {}): Lease {
    const lease = new Lease(this, opts);
    this.held.add(lease);
    return lease;
  }

  release(lease: Lease, why: 'released' | 'expired'): void {
    if (!this.held.delete(lease)) return;
    lease.end();
    if (lease.blobs.size > 0 || lease.layers.size > 0) this.onEnd(lease, why);
  }

  get size(): number { return this.held.size; }

  /** Something the stores wrote or handed back: pinned to every lease held now. */
  blobUsed(digest: string): void { for (const l of this.held) l.pinBlob(digest); }
  layerUsed(chainId: string): void { for (const l of this.held) l.pinLayer(chainId); }

  pinnedBlobs(): Set<string> {
    const out = new Set<string>();
    for (const l of this.held) for (const d of l.blobs) out.add(d);
    return out;
  }

  pinnedLayers(): Set<string> {
    const out = new Set<string>();
    for (const l of this.held) for (const c of l.layers) out.add(c);
    return out;
  }
}

