// The local berthd as the app runs it: a supervisor whose launch arguments come from the app's
// settings at every (re)start, bound to the engine hub so the UI can restart it to apply them.
// As root it runs node on berthd's main; otherwise pkexec runs the installed launcher with the
// same flags (see launch-command.ts and assets/berthd-launch).
import type { SettingsStore } from '../config/settings-store.js';
import type { SupervisedEngine } from '../engine/hub.js';
import { berthdArgs, type BerthdArgs } from './berthd-args.js';
import { DEFAULT_LAUNCHER } from './launch-command.js';
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
  /** The launcher pkexec runs when the app is not root (default /usr/libexec/berth/berthd-launch). */
  launcher?: string | undefined;
  uid?: number | undefined;
}

export function localBerthd(o: LocalBerthdOptions): { supervisor: BerthdSupervisor; engine: SupervisedEngine } {
  let notes: string[] = [];
  const build = (): BerthdArgs => {
    const a = berthdArgs({ main: o.main, host: o.host, extra: o.extra, registryMirrors: o.store.state.settings.registryMirrors, configFile: o.configFile });
    notes = a.notes;
    return a;
  };
  const supervisor = new BerthdSupervisor({
    socketPath: new URL(o.host).pathname,
    command: process.execPath,
    args: () => build().args,
    launcher: o.launcher ?? DEFAULT_LAUNCHER,
    launcherArgs: () => build().flags,
    uid: o.uid,
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
