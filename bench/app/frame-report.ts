// Reads a Chromium trace from BENCH_TRACE_DIR (bench/app/trace.ts) and tells what filled each long
// frame of the busiest tab: `npx tsx bench/app/frame-report.ts TRACE.json [min-gap-ms]`.
// A frame is the time between two animation-frame callbacks on the tab's main thread. For each one
// over the threshold it lists the main thread's tasks with wall time and thread (CPU) time: wall
// much larger than CPU means the thread waited for a core, not that the page worked. Then the
// other threads a frame needs (the tab's raster workers and compositor, the GPU process's viz
// compositor, the browser's main and IO threads): their busiest in the gap, wall beside CPU, since
// a frame waits for them too while the page's main thread idles.
import { readFileSync } from 'node:fs';

interface TraceEvent { name: string; cat: string; ph: string; ts: number; dur?: number; tdur?: number; pid: number; tid: number; args?: Record<string, unknown> }

const [file, minGapArg] = process.argv.slice(2);
if (!file) throw new Error('usage: frame-report.ts TRACE.json [min-gap-ms]');
const minGap = Number(minGapArg ?? 66) * 1000;
const raw = JSON.parse(readFileSync(file, 'utf8')) as TraceEvent[] | { traceEvents: TraceEvent[] };
const events = Array.isArray(raw) ? raw : raw.traceEvents;

// The renderer main threads, and the one with the most task time: the flooded tab.
const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
const taskTime = new Map<string, number>();
for (const e of events) if (e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && mains.has(`${e.pid}:${e.tid}`)) taskTime.set(`${e.pid}:${e.tid}`, (taskTime.get(`${e.pid}:${e.tid}`) ?? 0) + (e.dur ?? 0));
const main = [...taskTime].sort((a, b) => b[1] - a[1])[0]?.[0];
if (!main) throw new Error(`${file}: no renderer main thread with tasks`);
const onMain = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts);
const tasks = onMain.filter((e) => e.name === 'ThreadControllerImpl::RunTask');
const frames = onMain.filter((e) => e.name === 'FireAnimationFrame');
const ms = (us: number) => (us / 1000).toFixed(1);
const threadNames = new Map(events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, String(e.args?.name)]));
const processNames = new Map(events.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => [e.pid, String(e.args?.name)]));
const otherTasks = events.filter((e) => e.ph === 'X' && (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'ThreadPool_RunTask') && `${e.pid}:${e.tid}` !== main);

/** Per other thread, within [a, b]: wall time of its tasks, their CPU time (pro rata), its longest task. */
function otherThreads(a: number, b: number): string[] {
  const per = new Map<string, { wall: number; cpu: number; longest: number }>();
  for (const t of otherTasks) {
    const start = Math.max(t.ts, a);
    const end = Math.min(t.ts + (t.dur ?? 0), b);
    if (end <= start) continue;
    const k = `${processNames.get(t.pid) ?? t.pid}/${threadNames.get(`${t.pid}:${t.tid}`) ?? t.tid}`;
    const v = per.get(k) ?? { wall: 0, cpu: 0, longest: 0 };
    v.wall += end - start;
    v.cpu += (t.tdur ?? 0) * ((end - start) / Math.max(1, t.dur ?? 1));
    v.longest = Math.max(v.longest, t.dur ?? 0);
    per.set(k, v);
  }
  return [...per].sort((x, y) => y[1].wall - x[1].wall).slice(0, 4).map(([k, v]) => `${k} ${ms(v.wall)} ms (CPU ${ms(v.cpu)}, longest task ${ms(v.longest)})`);
}

// What a task did: its longest inner events (one level of naming is enough to attribute it).
const INNER = new Set(['TimerFire', 'FunctionCall', 'EventDispatch', 'FireAnimationFrame', 'UpdateLayoutTree', 'Layout', 'Paint', 'PrePaint', 'Layerize', 'MinorGC', 'MajorGC', 'V8.GC_SCAVENGER', 'V8.GC_MARK_COMPACTOR', 'V8.GCFinalizeMC', 'V8.GCIncrementalMarking', 'ScheduleStyleRecalculation', 'HitTest', 'ParseHTML', 'EvaluateScript', 'v8.run', 'GCEvent', 'BlinkGC.AtomicPhase', 'CppGC.AtomicMark', 'V8.GC_MC_BACKGROUND_MARKING', 'UpdateLayer', 'CompositeLayers', 'Commit']);
function inside(t: TraceEvent): string {
  const end = t.ts + (t.dur ?? 0);
  const parts = new Map<string, number>();
  for (const e of onMain) {
    if (e.ts < t.ts || e.ts > end || e === t || !INNER.has(e.name)) continue;
    const label = e.name === 'EventDispatch' ? `EventDispatch(${(e.args?.data as { type?: string } | undefined)?.type ?? '?'})` : e.name;
    parts.set(label, Math.max(parts.get(label) ?? 0, e.dur ?? 0));
  }
  return [...parts].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([n, d]) => `${n} ${ms(d)}`).join(', ');
}

let longCount = 0;
const gaps: number[] = [];
for (let i = 1; i < frames.length; i++) {
  const a = frames[i - 1] as TraceEvent;
  const b = frames[i] as TraceEvent;
  const gap = b.ts - a.ts;
  gaps.push(gap);
  if (gap < minGap) continue;
  longCount++;
  const inGap = tasks.filter((t) => t.ts + (t.dur ?? 0) > a.ts && t.ts < b.ts);
  const wall = inGap.reduce((n, t) => n + Math.min(t.ts + (t.dur ?? 0), b.ts) - Math.max(t.ts, a.ts), 0);
  const cpu = inGap.reduce((n, t) => n + (t.tdur ?? 0), 0);
  console.log(`frame gap ${ms(gap)} ms at +${ms(a.ts - (frames[0] as TraceEvent).ts)} ms: main thread busy ${ms(wall)} ms (CPU ${ms(cpu)} ms), idle ${ms(gap - wall)} ms, ${inGap.length} tasks`);
  for (const t of [...inGap].sort((x, y) => (y.dur ?? 0) - (x.dur ?? 0)).slice(0, 4)) {
    console.log(`   task ${ms(t.dur ?? 0)} ms (CPU ${ms(t.tdur ?? 0)}): ${inside(t)}`);
  }
  console.log(`   other threads: ${otherThreads(a.ts, b.ts).join('; ')}`);
}
const sorted = [...gaps].sort((x, y) => x - y);
const pct = (p: number) => ms(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);
const longTasks = tasks.filter((t) => (t.dur ?? 0) > 50_000);
console.log(`${frames.length} frames; gap p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${pct(100)} ms; ${longCount} gaps >= ${ms(minGap)} ms; ${longTasks.length} tasks > 50 ms (CPU of those: ${longTasks.map((t) => ms(t.tdur ?? 0)).join(', ')})`);
