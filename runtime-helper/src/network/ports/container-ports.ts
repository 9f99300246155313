// What the container lifecycle calls: the forwarder of a container that publishes ports, from
// its record (HostConfig, Config.ExposedPorts), kept in record.PortForwarder while it runs.
import { join } from 'node:path';
import { listenersFor } from './bindings.js';
import { forwarderAlive, forwarderStopped, startForwarder, stopForwarder, strayForwarders, type BoundPort, type ForwarderState } from './forwarder.js';
import { inspectPorts, listPorts, type ListPort } from './views.js';

/** The record fields this module reads and writes. */
export interface PortsRecord {
  Id: string;
  Name: string;
  HostConfig: { NetworkMode?: string; PortBindings?: unknown; PublishAllPorts?: unknown };
  Config: Record<string, unknown>;
  State: { Running: boolean };
  PortForwarder?: ForwarderState | undefined;
}

/**
 * Starts the forwarder for a created container whose init is `initPid` (nothing when it
 * publishes nothing). A taken port throws dockerd's 500; the record is left without a forwarder.
 */
export async function publishPorts(r: PortsRecord, initPid: number, containerDir: string, others: Iterable<PortsRecord>): Promise<void> {
  await releasePorts(r);
  const listeners = listenersFor(r.HostConfig, r.Config.ExposedPorts as Record<string, unknown> | undefined);
  if (listeners.length === 0) return;
  const diag = join(containerDir, 'portfwd.log');
  for (const stray of strayForwarders(diag)) await stopForwarder(r.Id, stray);
  const held: BoundPort[] = [];
  for (const o of others) if (o.Id !== r.Id && o.State.Running && o.PortForwarder) held.push(...o.PortForwarder.ports);
  r.PortForwarder = await startForwarder({
    initPid, listeners, diag, name: r.Name.replace(/^\//, ''), id: r.Id, heldByContainers: held,
  });
}

/** Stops the forwarder if one runs; resolves once its ports are free. */
export async function releasePorts(r: PortsRecord): Promise<void> {
  const state = r.PortForwarder;
  r.PortForwarder = undefined;
  if (state) await stopForwarder(r.Id, state);
  await forwarderStopped(r.Id);
}

/** After a berthd restart, for a container that still runs: its forwarder, or a new one. */
export async function restorePorts(r: PortsRecord, initPid: number, containerDir: string, others: Iterable<PortsRecord>): Promise<void> {
  if (r.PortForwarder && forwarderAlive(r.PortForwarder)) return;
  r.PortForwarder = undefined;
  await publishPorts(r, initPid, containerDir, others);
}

function viewInput(r: PortsRecord): Parameters<typeof inspectPorts>[0] {
  const mode = r.HostConfig.NetworkMode ?? '';
  return { running: r.State.Running, networkMode: mode, exposed: r.Config.ExposedPorts as Record<string, unknown> | undefined, bound: r.PortForwarder?.ports ?? [] };
}

export function inspectPortsOf(r: PortsRecord): ReturnType<typeof inspectPorts> {
  return inspectPorts(viewInput(r));
}

export function listPortsOf(r: PortsRecord): ListPort[] {
  return listPorts(viewInput(r));
}

/** Resolves once a stop of the container's forwarder (begun at its exit) is over. */
export const portsReleased = forwarderStopped;
