// Settings and engine connections on disk (one JSON file, written atomically).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { EngineConnection, Settings } from '../shared/contract.js';
import { DEFAULT_BERTHD_HOST } from '../engine/connection.js';

export interface StoredState { settings: Settings; engines: EngineConnection[]; activeId: string }

export const DEFAULT_SETTINGS: Settings = {
  defaultResources: { memory: 0, cpuShares: 1024, cpusetCpus: '', pidsLimit: 0, blkioWeight: 0 },
  theme: 'system',
  registryMirrors: [],
  scrollback: 5_000, // ~40 MB per full terminal in xterm.js; 3 full ones must fit the app's 300 MB budget
  terminalRenderer: 'auto',
};

export const BUILTIN_ENGINE: EngineConnection = { id: 'berthd', name: 'Berth (local)', host: DEFAULT_BERTHD_HOST, builtin: true };

export function defaultConfigPath(): string {
  return process.env.BERTH_CONFIG ?? join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'berth', 'app.json');
}

export class SettingsStore {
  state: StoredState;
  constructor(private readonly path: string | null) {
    this.state = { settings: { ...DEFAULT_SETTINGS }, engines: [BUILTIN_ENGINE], activeId: BUILTIN_ENGINE.id };
    if (path) {
      try {
        const loaded = JSON.parse(readFileSync(path, 'utf8')) as Partial<StoredState>;
        this.state.settings = { ...DEFAULT_SETTINGS, ...(loaded.settings ?? {}) };
        const extra = (loaded.engines ?? []).filter((e) => !e.builtin);
        this.state.engines = [BUILTIN_ENGINE, ...extra];
        if (loaded.activeId && this.state.engines.some((e) => e.id === loaded.activeId)) this.state.activeId = loaded.activeId;
      } catch {
        /* first run or unreadable: defaults */
      }
    }
  }

  save(): void {
    if (!this.path) return;
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(this.state, null, 2));
    renameSync(tmp, this.path);
  }
}
