// Durations as Go's time.ParseDuration reads them ("30s", "1m30s", "500ms", "1.5h"): the form the
// docker CLI takes for --health-interval and friends. The API carries nanoseconds.

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Nanoseconds of a Go duration; throws with the reason in plain words. Negative ones are refused. */
export function parseGoDuration(text: string, what: string): number {
  const t = text.trim();
  const hint = `${what} '${text}': a duration is a number with a unit (ms, s, m, h), like 30s, 1m30s or 500ms`;
  if (t === '0') return 0;
  if (t.startsWith('-')) throw new Error(`${what} '${text}': cannot be negative`);
  const body = t.startsWith('+') ? t.slice(1) : t;
  if (!body) throw new Error(hint);
  let ns = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < body.length) {
    const at = PART.lastIndex;
    const m = PART.exec(body);
    if (!m || m.index !== at) throw new Error(hint);
    ns += Number(m[1]) * (UNIT_NS[m[2] as string] as number);
  }
  if (!Number.isSafeInteger(Math.round(ns))) throw new Error(`${what} '${text}': too long`);
  return Math.round(ns);
}

function trimmed(n: number): string {
  // At most 9 decimals (nanoseconds of a second), without trailing zeros.
  return n.toFixed(9).replace(/\.?0+$/, '');
}

/** The shortest Go duration for `ns` ("5s", "1m30s", "1.5s", "250ms", "1h"), ParseDuration's inverse. */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  if (ns < 1e3) return `${ns}ns`;
  if (ns < 1e6) return `${trimmed(ns / 1e3)}us`;
  if (ns < 1e9) return `${trimmed(ns / 1e6)}ms`;
  const h = Math.floor(ns / 3600e9);
  const m = Math.floor((ns % 3600e9) / 60e9);
  const s = (ns % 60e9) / 1e9;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${trimmed(s)}s` : ''}`;
}
