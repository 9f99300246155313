// Progress messages in the JSON-lines shape dockerd streams and the docker CLI draws
// (jsonmessage.JSONMessage): per-layer status with progressDetail, then summary lines.
export interface ProgressMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  progress?: string;
  aux?: Record<string, unknown>;
  error?: string;
  errorDetail?: { message: string };
}

export type ProgressSink = (msg: ProgressMessage) => void;

export const noProgress: ProgressSink = () => {};

/** Docker's short layer id: the first 12 hex digits of the digest. */
export function shortId(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

export function status(status: string, id?: string): ProgressMessage {
  return id === undefined ? { status } : { status, progressDetail: {}, id };
}

export function bytesProgress(statusText: string, id: string, current: number, total: number): ProgressMessage {
  return { status: statusText, progressDetail: { current, total }, progress: progressBar(current, total), id };
}

export function errorMessage(message: string): ProgressMessage {
  return { errorDetail: { message }, error: message };
}

/** The text bar older clients print: "[=====>      ]  1.2MB/3.4MB". */
export function progressBar(current: number, total: number): string {
  const width = 50;
  const filled = total > 0 ? Math.min(width, Math.floor((current / total) * width)) : 0;
  const bar = `[${'='.repeat(Math.max(filled - 1, 0))}${filled > 0 ? '>' : ''}${' '.repeat(width - filled)}]`;
  return `${bar} ${humanSize(current)}/${humanSize(total)}`;
}

export function humanSize(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${v < 10 && i > 0 ? v.toFixed(2) : v < 100 && i > 0 ? v.toFixed(1) : Math.round(v)}${units[i]}`;
}

/** Limits per-layer byte updates to one every interval so the stream stays small. */
export class Throttle {
  private last = 0;
  constructor(private readonly intervalMs = 100) {}
  ready(): boolean {
    const now = Date.now();
    if (now - this.last < this.intervalMs) return false;
    this.last = now;
    return true;
  }
}
