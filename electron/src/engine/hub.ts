// The engine hub: the configured connections, the active one's client and its status.
import type Docker from 'dockerode';
import { randomUUID } from 'node:crypto';
import type { EngineConnection, EngineStatus, SupervisorState } from '../shared/contract.js';
import type { SettingsStore } from '../config/settings-store.js';
import { dockerFor, parseHost } from './connection.js';
import { engineError } from './errors.js';
import { engineKind } from './system.js';

/** The berthd the app supervises: which host it serves, and how to restart it with the
 * current settings. */
export interface SupervisedEngine {
  host: string;
  state(): SupervisorState;
  restart(): Promise<SupervisorState>;
  /** Why a setting could not be passed at the last launch (e.g. the config file sets it). */
  notes(): string[];
}

export class EngineHub {
  private client: Docker | null = null;
  supervised: SupervisedEngine | undefined;

  constructor(readonly store: SettingsStore) {}

  get active(): EngineConnection {
    const s = this.store.state;
    return s.engines.find((e) => e.id === s.activeId) ?? (s.engines[0] as EngineConnection);
  }

  /** The host key the active ssh engine presented last. */
  private lastHostKey: string | undefined;

  docker(): Docker {
    if (!this.client) {
      const conn = this.active;
      this.lastHostKey = undefined;
      this.client = dockerFor(conn, (fp) => {
        this.lastHostKey = fp;
        if (!conn.sshHostKey) {
          conn.sshHostKey = fp; // trust on first use, then only this key
          this.store.save();
        }
      });
    }
    return this.client;
  }

  add(name: string, host: string, tls?: EngineConnection['tls'], sshKey?: string): EngineConnection {
    parseHost(host); // throws a clear error for a bad URL
    if (sshKey && !host.startsWith('ssh://')) throw new Error(`add engine ${host}: an ssh key applies to ssh:// addresses only`);
    const conn: EngineConnection = { id: randomUUID().slice(0, 8), name: name || host, host, tls, ...(sshKey ? { sshKey } : {}) };
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

  private supervisedActive(): SupervisedEngine | undefined {
    const s = this.supervised;
    return s && (this.active.builtin || this.active.host === s.host) ? s : undefined;
  }

  /** Restarts the supervised berthd (so it takes settings it reads at start), then reconnects. */
  async restartEngine(): Promise<EngineStatus> {
    const sup = this.supervisedActive();
    if (!sup) throw new Error(`restart engine ${this.active.host}: the app does not manage this engine; restart it where it runs`);
    await sup.restart();
    this.client = null;
    return this.status();
  }

  async status(): Promise<EngineStatus> {
    const conn = this.active;
    const sup = this.supervisedActive();
    const base = { engineId: conn.id, host: conn.host, supervisor: sup?.state(), canRestart: Boolean(sup && sup.state().phase !== 'external'), notes: sup?.notes() };
    try {
      const v = (await this.docker().version()) as unknown as Record<string, unknown>;
      return { ...base, connected: true, kind: engineKind(v), version: String(v.Version ?? ''), apiVersion: String(v.ApiVersion ?? '') };
    } catch (err) {
      if (conn.sshHostKey && this.lastHostKey && this.lastHostKey !== conn.sshHostKey) {
        const error = `connect to ${conn.host}: the server's ssh host key is ${this.lastHostKey}, not ${conn.sshHostKey} as recorded when the app first connected; ` +
          'refusing to talk to it. If the server really got a new key, remove this engine and add it again.';
        return { ...base, connected: false, kind: 'unknown', error };
      }
      return { ...base, connected: false, kind: 'unknown', error: engineError(`connect to ${conn.host}`, err).message };
    }
  }
}
