// The local berthd as the app runs it: a supervisor whose launch arguments come from the app's
// settings at every (re)start, bound to the engine hub so the UI can restart it to apply them.
import type { SettingsStore } from '../config/settings-store.js';
import type { SupervisedEngine } from '../engine/hub.js';
import { berthdArgs } from './berthd-args.js';
import { BerthdSupervisor, type SupervisorOptions } from './supervisor.js';

export interface LocalBerthdOptions {
  store: SettingsStore;
  main: string;
  /** unix:///path the daemon serves. */
  host: string;
  extra?: string[] | undefined;
  configFile?: string | undefined;
  logFile?: SupervisorOptions['logFile'];
  backoff?: SupervisorOptions['backoff'];
}

export function localBerthd(o: LocalBerthdOptions): { supervisor: BerthdSupervisor; engine: SupervisedEngine } {
  let notes: string[] = [];
  const supervisor = new BerthdSupervisor({
    socketPath: new URL(o.host).pathname,
    command: process.execPath,
    args: () => {
      const a = berthdArgs({ main: o.main, host: o.host, extra: o.extra, registryMirrors: o.store.state.settings.registryMirrors, configFile: o.configFile });
      notes = a.notes;
      return a.args;
    },
    ...(o.logFile !== undefined ? { logFile: o.logFile } : {}),
    ...(o.backoff ? { backoff: o.backoff } : {}),
  });
  const engine: SupervisedEngine = {
    host: o.host,
    state: () => supervisor.state,
    restart: () => supervisor.restart(),
    notes: () => notes,
  };
  return { supervisor, engine };
}
