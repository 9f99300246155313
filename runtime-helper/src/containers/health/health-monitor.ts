// Runs each running container's health check, as dockerd's daemon/health.go does: a probe every
// interval (the first one interval after the start), each an exec of the check's command in the
// container (exec_create/exec_start/exec_die events included, as dockerd's); exit 0 is healthy,
// anything else a failure, which counts only after the start period; `retries` failures in a row
// make it unhealthy; a probe over its timeout is a failure with exit code -1. The last five
// results are kept in State.Health, and each change of status is a `health_status: <status>` event.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerManager } from '../manager.js';
import type { ExecSessions } from '../exec-sessions.js';
import type { EngineEvent } from '../../events/bus.js';
import type { ContainerRecord, HealthLogEntry, HealthState } from '../record.js';
import { goDuration, probeCommand, probeTiming } from './health-config.js';

/** dockerd's limits: 5 results kept, 4 KiB of output each. */
const MAX_LOG_ENTRIES = 5;
const MAX_OUTPUT_BYTES = 4096;

interface Watch { timer: NodeJS.Timeout | undefined; stopped: boolean }

export class HealthMonitor {
  private readonly watches = new Map<string, Watch>();

  constructor(private readonly manager: ContainerManager, private readonly execs: ExecSessions) {}

  /** Follows the container events; the containers already running are watched at once. */
  install(subscribe: (listener: (e: EngineEvent) => void) => () => void): () => void {
    for (const c of this.manager.containers.values()) if (c.record.State.Running) this.watch(c.record, false);
    const unsubscribe = subscribe((e) => {
      if (e.Type !== 'container') return;
      if (e.Action === 'start') {
        const c = this.manager.containers.get(e.Actor.ID);
        if (c) this.watch(c.record, true);
      } else if (e.Action === 'die' || e.Action === 'destroy') this.unwatch(e.Actor.ID);
    });
    return () => { unsubscribe(); for (const id of [...this.watches.keys()]) this.unwatch(id); };
  }

  /** Starts probing `r` (fresh: a start resets the status to starting, keeping the log). */
  watch(r: ContainerRecord, fresh: boolean): void {
    this.unwatch(r.Id);
    if (!probeCommand(r.Config.Healthcheck)) return;
    if (fresh || !r.State.Health) {
      r.State.Health = { Status: 'starting', FailingStreak: 0, Log: r.State.Health?.Log ?? [] };
    }
    const w: Watch = { timer: undefined, stopped: false };
    this.watches.set(r.Id, w);
    this.schedule(r.Id, w);
  }

  unwatch(id: string): void {
    const w = this.watches.get(id);
    if (!w) return;
    w.stopped = true;
    if (w.timer) clearTimeout(w.timer);
    this.watches.delete(id);
  }

  private schedule(id: string, w: Watch): void {
    const c = this.manager.containers.get(id);
    if (!c || w.stopped || !c.record.Config.Healthcheck) return;
    w.timer = setTimeout(() => {
      w.timer = undefined;
      void this.probeOnce(id, w).finally(() => this.schedule(id, w));
    }, probeTiming(c.record.Config.Healthcheck).interval);
    w.timer.unref();
  }

  /** One probe and its result; a paused container is not probed (its exec would wait). */
  private async probeOnce(id: string, w: Watch): Promise<void> {
    const c = this.manager.containers.get(id);
    const check = c?.record.Config.Healthcheck;
    const cmd = probeCommand(check);
    if (!c || !check || !cmd || !c.record.State.Running || c.record.State.Paused) return;
    const timing = probeTiming(check);
    const start = new Date();
    const result = await this.runProbe(c.record, cmd, timing.timeout).catch((e: Error) => ({ exitCode: -1, output: e.message }));
    if (w.stopped) return; // stopped while the probe ran: the result no longer counts
    this.record(c.record, { Start: start.toISOString(), End: new Date().toISOString(), ExitCode: result.exitCode, Output: result.output }, timing.retries, timing.startPeriod);
  }

  private async runProbe(r: ContainerRecord, cmd: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }> {
    const execId = this.execs.create(r.Id, {
      Cmd: cmd, AttachStdin: false, AttachStdout: true, AttachStderr: true, Tty: false, DetachKeys: '',
      Env: null, Privileged: false, User: r.Config.User, WorkingDir: r.Config.WorkingDir,
    });
    try {
      const session = await this.execs.start(execId, { tty: false });
      const proc = session.process!;
      const chunks: Buffer[] = [];
      let size = 0;
      const keep = (_stream: string, data: Buffer): void => {
        if (size >= MAX_OUTPUT_BYTES) return;
        const part = data.subarray(0, MAX_OUTPUT_BYTES - size);
        chunks.push(part);
        size += part.length;
      };
      for (const [stream, data] of proc.backlog ?? []) keep(stream, data);
      proc.on('output', keep);
      const timer = new AbortController();
      const outcome = await Promise.race([proc.exited, sleep(timeoutMs, null, { signal: timer.signal }).catch(() => null)]);
      timer.abort();
      proc.off('output', keep);
      if (outcome === null) {
        // dockerd 20.10 leaves the process running; berthd ends it, so probes cannot pile up.
        if (proc.pid > 0) { try { process.kill(proc.pid, 'SIGKILL'); } catch { /* gone */ } }
        return { exitCode: -1, output: `Health check exceeded timeout (${goDuration(timeoutMs)})` };
      }
      return { exitCode: outcome.exitCode, output: Buffer.concat(chunks).toString('utf8') };
    } finally {
      this.execs.discardWhenDone(execId);
    }
  }

  private record(r: ContainerRecord, entry: HealthLogEntry, retries: number, startPeriodMs: number): void {
    const h: HealthState = r.State.Health ?? { Status: 'starting', FailingStreak: 0, Log: [] };
    const before = h.Status;
    h.Log = [...h.Log, entry].slice(-MAX_LOG_ENTRIES);
    if (entry.ExitCode === 0) {
      h.FailingStreak = 0;
      h.Status = 'healthy';
    } else {
      // Failures before the first success count only once the start period is over.
      const inStartPeriod = h.Status === 'starting' && Date.parse(entry.Start) - Date.parse(r.State.StartedAt) < startPeriodMs;
      if (!inStartPeriod) {
        h.FailingStreak++;
        if (h.FailingStreak >= retries) h.Status = 'unhealthy';
      }
    }
    r.State.Health = h;
    const c = this.manager.containers.get(r.Id);
    if (c) this.manager.save(c);
    if (h.Status !== before) this.manager.emit(r, `health_status: ${h.Status}`);
  }
}
