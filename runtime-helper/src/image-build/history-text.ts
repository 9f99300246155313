// The text dockerd 20.10's legacy builder writes into an image's history (created_by is the
// commit container's Cmd joined by spaces) and into its step messages. Several pieces are Go's
// fmt verbs applied to Go values (%q of a []string, %v of a []string, %q of a Healthcheck), so
// they are reproduced here as Go prints them.
import type { Healthcheck } from '../containers/health/health-config.js';

/** Go's %q of a []string: ["a" "b"]. */
export function goQuotedList(items: readonly string[]): string {
  return `[${items.map((s) => JSON.stringify(s)).join(' ')}]`;
}

/** Go's %v of a []string: [a b]. */
export function goList(items: readonly string[]): string {
  return `[${items.join(' ')}]`;
}

/** Go's time.Duration String(): 0s, 500ms, 5s, 1m30s, 1h0m0s. */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  if (ns < 1e9) {
    if (ns < 1e3) return `${ns}ns`;
    if (ns < 1e6) return `${ns / 1e3}µs`;
    return `${ns / 1e6}ms`;
  }
  const totalSec = ns / 1e9;
  const h = Math.floor(totalSec / 3600);
  const m = Math.floor((totalSec - h * 3600) / 60);
  const s = +(totalSec - h * 3600 - m * 60).toFixed(9);
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** Go's %q of an int: a quoted rune ('\x00', 'a'). */
function goRune(n: number): string {
  if (n >= 0x20 && n < 0x7f && n !== 0x27 && n !== 0x5c) return `'${String.fromCharCode(n)}'`;
  if (n === 0x27) return "'\\''";
  if (n === 0x5c) return "'\\\\'";
  if (n === 7) return "'\\a'"; if (n === 8) return "'\\b'"; if (n === 9) return "'\\t'"; if (n === 10) return "'\\n'";
  if (n === 11) return "'\\v'"; if (n === 12) return "'\\f'"; if (n === 13) return "'\\r'";
  if (n < 0x100) return `'\\x${n.toString(16).padStart(2, '0')}'`;
  return `'\\u${n.toString(16).padStart(4, '0')}'`;
}

/** Go's %q of a *container.HealthConfig: &{["CMD-SHELL" "x"] "5s" "0s" "0s" '\x00'}. */
export function goHealthcheck(h: Healthcheck): string {
  return `&{${goQuotedList(h.Test ?? [])} "${goDuration(h.Interval ?? 0)}" "${goDuration(h.Timeout ?? 0)}" "${goDuration(h.StartPeriod ?? 0)}" ${goRune(h.Retries ?? 0)}}`;
}

/** A metadata step's Cmd: the shell, then "#(nop) " and the comment as its own word (two spaces once joined). */
export function nopCmd(shell: readonly string[], comment: string): string[] {
  return [...shell, '#(nop) ', comment];
}

/** COPY, ADD and WORKDIR write their comment in the same word as "#(nop)". */
export function nopCmdString(shell: readonly string[], comment: string): string[] {
  return [...shell, `#(nop) ${comment}`];
}

/** A RUN's history: the build args it saw ("|2 A=1 B=2 "), sorted, before its command. */
export function withArgsPrefix(args: ReadonlyArray<[string, string]>, cmd: readonly string[]): string[] {
  if (args.length === 0) return [...cmd];
  const pairs = args.map(([k, v]) => `${k}=${v}`).sort();
  return [`|${pairs.length}`, ...pairs, ...cmd];
}
