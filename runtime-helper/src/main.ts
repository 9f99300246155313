// berthd: the Berth engine daemon. Parses dockerd-style flags and the config file, opens the
// store, serves the Docker Engine API, and stops cleanly on SIGTERM/SIGINT (containers keep
// running under their shims).
import { writeFileSync, rmSync } from 'node:fs';
import { loadConfig } from './config/load.js';
import { usage, FlagError } from './config/flags.js';
import { createLogger } from './util/log.js';
import { Daemon, berthVersion } from './daemon/daemon.js';
import { Router } from './api/router.js';
import { allRoutes } from './api/routes/index.js';
import { listen, type RunningServer } from './api/server.js';
import { installContainers } from './containers/wiring.js';
import { installRegistry } from './api/routes/registry.js';
import { networksOf } from './network/networks/networks-of.js';
import { installBridge } from './network/bridge/bridge-of.js';

async function main(): Promise<void> {
  // Layer unpacking keeps many file writes in flight; libuv reads this when its pool first starts.
  process.env.UV_THREADPOOL_SIZE ??= '8';
  let loaded;
  try { loaded = loadConfig(process.argv.slice(2)); } catch (err) {
    if (err instanceof FlagError) { process.stderr.write(`berthd: ${err.message}\n\n${usage()}`); process.exit(125); }
    throw err;
  }
  if (loaded.help) { process.stdout.write(usage()); return; }
  if (loaded.version) { process.stdout.write(`Berth version ${berthVersion}\n`); return; }
  const { config } = loaded;
  const log = createLogger(config.debug);
  if (process.getuid?.() !== 0) log.warn('berthd is not running as root; mounts and ownership will fail');

  const daemon = new Daemon(config, log);
  installBridge(daemon); // before the containers: their restore needs it up
  const containerRoutes = installContainers(daemon);
  installRegistry(daemon);
  networksOf(daemon); // the built-in networks' IDs are made (once) at the engine's first start
  await daemon.start();
  const router = new Router([...allRoutes, ...containerRoutes], daemon, log);
  const servers: RunningServer[] = [];
  for (const host of config.hosts) {
    servers.push(await listen(host, config, router, log));
    log.info({ host }, 'API listening');
  }
  if (config.pidfile) writeFileSync(config.pidfile, `${process.pid}\n`);
  log.info({ dataRoot: config.dataRoot, storageDriver: daemon.storageDriver, version: berthVersion }, 'berthd ready');

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await Promise.all(servers.map((s) => s.close()));
    await daemon.stop();
    if (config.pidfile) rmSync(config.pidfile, { force: true });
    log.info('stopped');
    log.flush();
    process.exit(0);
  };
  // One bad request must not take the daemon (and every client) down: log it and go on.
  process.on('uncaughtException', (err) => log.error({ err }, 'uncaught exception'));
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`berthd: ${(err as Error).message ?? String(err)}\n`);
  process.exit(1);
});
