// The engine hub: the configured connections, the active one's client and its status.
import type Docker from 'dockerode';
import { randomUUID } from 'node:crypto';
import type { EngineConnection, EngineStatus, SupervisorState } from '../shared/contract.js';
import type { SettingsStore } from '../config/settings-store.js';
import { dockerFor, parseHost } from './connection.js';
import { engineError } from './errors.js';
import { engineKind } from './system.js';

export class EngineHub {
  private client: Docker | null = null;
  supervisorState: (() => SupervisorState | undefined) | undefined;

  constructor(readonly store: SettingsStore) {}

  get active(): EngineConnection {
    const s = this.store.state;
    return s.engines.find((e) => e.id === s.activeId) ?? (s.engines[0] as EngineConnection);
  }

  docker(): Docker {
    this.client ??= dockerFor(this.active);
    return this.client;
  }

  add(name: string, host: string, tls?: EngineConnection['tls']): EngineConnection {
    parseHost(host); // throws a clear error for a bad URL
    const conn: EngineConnection = { id: randomUUID().slice(0, 8), name: name || host, host, tls };
    this.store.state.engines.push(conn);
    this.store.save();
    return conn;
  }

  remove(id: string): void {
    const e = this.store.state.engines.find((x) => x.id === id);
    if (!e) throw new Error(`remove engine ${id}: no such engine`);
    if (e.builtin) throw new Error(`remove engine ${e.name}: the built-in engine cannot be removed`);
    this.store.state.engines = this.store.state.engines.filter((x) => x.id !== id);
    if (this.store.state.activeId === id) this.use('berthd');
    this.store.save();
  }

  use(id: string): void {
    if (!this.store.state.engines.some((e) => e.id === id)) throw new Error(`use engine ${id}: no such engine`);
    this.store.state.activeId = id;
    this.client = null;
    this.store.save();
  }

  /** Points the built-in connection at another host (browser mode --engine, tests). */
  overrideHost(host: string): void {
    parseHost(host);
    const conn: EngineConnection = { id: 'cli', name: `Engine ${host}`, host };
    this.store.state.engines = [...this.store.state.engines.filter((e) => e.id !== 'cli'), conn];
    this.store.state.activeId = 'cli';
    this.client = null;
  }

  async status(): Promise<EngineStatus> {
    const conn = this.active;
    const base = { engineId: conn.id, host: conn.host, supervisor: conn.builtin ? this.supervisorState?.() : undefined };
    try {
      const v = (await this.docker().version()) as unknown as Record<string, unknown>;
      return { ...base, connected: true, kind: engineKind(v), version: String(v.Version ?? ''), apiVersion: String(v.ApiVersion ?? '') };
    } catch (err) {
      return { ...base, connected: false, kind: 'unknown', error: engineError(`connect to ${conn.host}`, err).message };
    }
  }
}
