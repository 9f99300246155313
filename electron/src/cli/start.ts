// `npm start` / `npm run browser`: chooses the engine, then opens the Electron window when a
// binary and a display exist (Electron main supervises berthd then), or serves browser mode,
// supervising berthd here, and prints its URL (with the token) on one line. berthd gets the
// app's settings as flags (registry mirrors), and the UI can restart it to apply new ones.
// Not root, berthd is started through pkexec (electron/README.md). --berthd-* choose where the
// supervised berthd serves and keeps its data (tests run it beside the default one).
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { SettingsStore, defaultConfigPath } from '../config/settings-store.js';
import { EngineHub } from '../engine/hub.js';
import type { BerthdSupervisor } from '../supervisor/supervisor.js';
import { localBerthd } from '../supervisor/local-berthd.js';
import { startBrowserServer } from '../transport/ws-server.js';
import { chooseEngine } from './engine-choice.js';
import { berthdMain, electronBinary, electronMain, rendererDist } from './paths.js';
import { DEFAULT_BERTHD_HOST } from '../engine/connection.js';

const { values } = parseArgs({
  options: {
    browser: { type: 'boolean', default: false },
    port: { type: 'string' },
    engine: { type: 'string' },
    'no-berthd': { type: 'boolean', default: false },
    config: { type: 'string' },
    'berthd-host': { type: 'string' },
    'berthd-data-root': { type: 'string' },
    'berthd-exec-root': { type: 'string' },
    'berthd-group': { type: 'string' },
  },
  strict: false,
});

const port = values.port ? Number(values.port) : 0;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`berth: --port '${values.port}': expected a port number between 0 and 65535`);
  process.exit(2);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const berthdHost = str(values['berthd-host']) ?? DEFAULT_BERTHD_HOST;
if (!/^unix:\/\/\/./.test(berthdHost)) {
  console.error(`berth: --berthd-host '${berthdHost}': expected unix:///absolute/path`);
  process.exit(2);
}
const berthdFlags: string[] = [];
for (const [opt, flag] of [['berthd-data-root', '--data-root'], ['berthd-exec-root', '--exec-root'], ['berthd-group', '--group']] as const) {
  const v = str(values[opt]);
  if (v) berthdFlags.push(flag, v);
}
// npm start (scripts/start.mjs) sets BERTH_BRIDGE: berthd's containers get a bridge network.
const bridgeFlags = process.env.BERTH_BRIDGE ? ['--bridge', process.env.BERTH_BRIDGE] : [];

const choice = await chooseEngine(str(values.engine), berthdHost);
console.error(`berth: ${choice.note}`);
const supervise = choice.supervise && !values['no-berthd'];

const electron = values.browser ? null : electronBinary();
const display = process.env.DISPLAY || process.env.WAYLAND_DISPLAY;
if (electron && display) {
  // Electron main supervises berthd itself (it owns the settings the UI changes), unless the
  // engine is another one or supervision is off.
  if (berthdHost !== DEFAULT_BERTHD_HOST || berthdFlags.length) console.error('berth: --berthd-* apply in browser mode (--browser); Electron main supervises the default berthd');
  const env: NodeJS.ProcessEnv = { ...process.env, BERTH_ENGINE: supervise ? '' : choice.host, BERTH_SUPERVISED: supervise ? '' : '1' };
  if (typeof values.config === 'string') env.BERTH_CONFIG = values.config;
  const child = spawn(electron, [electronMain], { stdio: 'inherit', env });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const store = new SettingsStore(typeof values.config === 'string' ? values.config : defaultConfigPath());
  const hub = new EngineHub(store);
  if (choice.host !== DEFAULT_BERTHD_HOST) hub.overrideHost(choice.host);
  let supervisor: BerthdSupervisor | null = null;
  if (supervise) {
    const local = localBerthd({ store, main: berthdMain, host: berthdHost, extra: [...berthdFlags, ...bridgeFlags], logFile: 'inherit' });
    supervisor = local.supervisor;
    hub.supervised = local.engine;
    supervisor.on('state', (s) => console.error(`berth: berthd ${s.phase}${s.message ? `: ${s.message}` : ''}`));
    await supervisor.start();
  }
  const server = await startBrowserServer({ hub, port, staticDir: rendererDist });
  if (!electron && !values.browser) console.error('berth: no Electron binary here; serving browser mode');
  else if (!display && !values.browser) console.error('berth: no display; serving browser mode');
  console.log(`Berth is running in browser mode: ${server.url}`);
  const shutdown = async () => {
    await server.close();
    await supervisor?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}
