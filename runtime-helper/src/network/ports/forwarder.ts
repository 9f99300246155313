// A running container's berth-portfwd (native/src/portfwd/): started after the runtime created
// the container and before its process starts, found again after a berthd restart by the pid
// and diag path kept in the container's record, stopped (and waited for, so the host ports are
// free) when the container ends.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { runProgram, type ProgramError } from '../../util/spawner.js';
import { PortError } from './errors.js';
import type { ListenerSpec, PortProto } from './bindings.js';

/** A listener as bound: what inspect, ps and `docker port` show. */
export interface BoundPort {
  proto: PortProto;
  hostIp: string;
  hostPort: number;
  containerPort: number;
}

/** Kept in the container's record while it runs. */
export interface ForwarderState {
  pid: number;
  /** Its --diag file: with the pid, what identifies the process as this container's forwarder. */
  diag: string;
  ports: BoundPort[];
}

export function forwarderBinary(): string | undefined {
  const path = process.env.BERTH_PORTFWD ?? fileURLToPath(new URL('../../../native/build/berth-portfwd', import.meta.url));
  return existsSync(path) ? path : undefined;
}

function bindingArg(l: ListenerSpec): string {
  const ip = l.hostIp.includes(':') ? `[${l.hostIp}]` : l.hostIp;
  const port = l.hostPortLo === l.hostPortHi ? `${l.hostPortLo}` : `${l.hostPortLo}-${l.hostPortHi}`;
  return `${l.proto}:${ip}:${port}:${l.containerPort}`;
}

export interface StartRequest {
  initPid: number;
  listeners: ListenerSpec[];
  diag: string;
  /** For dockerd's wording of a failure: the container's name (no slash) and id. */
  name: string;
  id: string;
  /** The listeners other running containers hold (dockerd's "port is already allocated"). */
  heldByContainers: BoundPort[];
}

export async function startForwarder(req: StartRequest): Promise<ForwarderState> {
  const endpoint = `driver failed programming external connectivity on endpoint ${req.name} (${req.id})`;
  for (const l of req.listeners) {
    if (l.hostPortLo === 0 || l.hostPortLo !== l.hostPortHi) continue;
    const holder = req.heldByContainers.find((h) => h.proto === l.proto && h.hostPort === l.hostPortLo && overlaps(h.hostIp, l.hostIp));
    if (holder) throw new PortError(500, `${endpoint}: Bind for ${hostPortText(l.hostIp, l.hostPortLo)} failed: port is already allocated`);
  }
  const binary = forwarderBinary();
  if (!binary) throw new PortError(500, `${endpoint}: published ports need berth-portfwd, which is not built (make -C runtime-helper/native)`);
  const args = ['--netns', `/proc/${req.initPid}/ns/net`, '--pid', String(req.initPid), '--diag', req.diag, ...req.listeners.map(bindingArg)];
  let stdout: string;
  try {
    ({ stdout } = await runProgram(binary, args, { timeoutMs: 30_000 }));
  } catch (e) {
    const err = e as ProgramError;
    const text = (err.stderr ?? '').trim().replace(/^berth-portfwd: /, '') || err.message;
    // Go's words (docker-proxy's): "listen tcp4 0.0.0.0:80: bind: address already in use".
    const goStyle = text.replace(/^(listen \S+ \S+: \w+): ([A-Z])/, (_m, head: string, first: string) => `${head}: ${first.toLowerCase()}`);
    throw new PortError(500, `${endpoint}: Error starting userland proxy: ${goStyle}`);
  }
  const report = JSON.parse(stdout.trim()) as { pid: number; ports: BoundPort[] };
  return { pid: report.pid, diag: req.diag, ports: report.ports };
}

function overlaps(a: string, b: string): boolean {
  if (a === b) return true;
  const v6 = (ip: string): boolean => ip.includes(':');
  if (v6(a) !== v6(b)) return false;
  return a === '0.0.0.0' || b === '0.0.0.0' || a === '::' || b === '::';
}

function hostPortText(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Whether `state.pid` is still this container's forwarder (pids are reused). */
export function forwarderAlive(state: ForwarderState): boolean {
  let args: string[];
  try { args = readFileSync(`/proc/${state.pid}/cmdline`, 'utf8').split('\0'); } catch { return false; }
  if (basename(args[0] ?? '') !== 'berth-portfwd') return false;
  const i = args.indexOf('--diag');
  if (i < 0 || args[i + 1] !== state.diag) return false;
  try { return !/^\d+ \(.*\) [ZX]/s.test(readFileSync(`/proc/${state.pid}/stat`, 'utf8')); } catch { return false; }
}

/**
 * Forwarders serving `diag` that no record names: started just before a berthd died, ahead of
 * the record's save. They hold the container's ports, so a new start ends them first.
 */
export function strayForwarders(diag: string): ForwarderState[] {
  const out: ForwarderState[] = [];
  let entries: string[];
  try { entries = readdirSync('/proc'); } catch { return out; }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const state = { pid: Number(e), diag, ports: [] };
    if (forwarderAlive(state)) out.push(state);
  }
  return out;
}

/** In-flight stops by container id: a stop or restart waits for the ports to be free. */
const stopping = new Map<string, Promise<void>>();

/** SIGTERM, then SIGKILL after 3 s; resolves once the process is gone (its sockets closed). */
export function stopForwarder(id: string, state: ForwarderState): Promise<void> {
  const p = (async () => {
    if (!forwarderAlive(state)) return;
    try { process.kill(state.pid, 'SIGTERM'); } catch { return; }
    for (let i = 0; i < 300; i++) {
      if (!forwarderAlive(state)) return;
      await sleep(10);
    }
    try { process.kill(state.pid, 'SIGKILL'); } catch { return; }
    for (let i = 0; i < 200 && forwarderAlive(state); i++) await sleep(10);
  })();
  const tracked = p.finally(() => { if (stopping.get(id) === tracked) stopping.delete(id); });
  stopping.set(id, tracked);
  return tracked;
}

/** Resolves when no stop of this container's forwarder is in flight. */
export async function forwarderStopped(id: string): Promise<void> {
  await stopping.get(id);
}
