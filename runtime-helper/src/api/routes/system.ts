// System routes: /_ping, /version, /info, /system/df, /events.
import { z } from 'zod';
import type { Route, RequestContext } from '../context.js';
import { sendJson } from '../respond.js';
import { parseQuery, queryString } from '../body.js';
import { parseFilters } from '../filters.js';
import { eventMatches } from '../../events/filter.js';
import { apiVersion, minApiVersion } from '../version.js';
import { runtimeVersion } from '../../daemon/host-info.js';
import { imageSummary, sharedSizes } from '../../images/image-views.js';
import type { EngineEvent } from '../../events/bus.js';
import { InvalidParameter } from '../errors.js';
import { servicesOf } from './containers-services.js';
import { volumeView } from '../../volumes/volume-store.js';
import { listView } from '../../containers/views.js';
import { containerSizes, volumesUsage } from '../../containers/disk-usage.js';

// Query schemas, made once: zod compiles a schema on its first parse (~0.4 ms), so one built per
// request cost every request that.
const eventsQuery = z.object({ since: queryString, until: queryString, filters: queryString }).passthrough();

function ping(ctx: RequestContext): void {
  const headers = {
    'Api-Version': apiVersion,
    Ostype: 'linux',
    'Docker-Experimental': String(ctx.daemon.config.experimental),
    // No BuildKit here: the CLI falls back to the classic builder API.
    'Builder-Version': '1',
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    Pragma: 'no-cache',
    'Content-Type': 'text/plain; charset=utf-8',
  };
  if (ctx.req.method === 'HEAD') {
    ctx.res.writeHead(200, { ...headers, 'Content-Length': '0' });
    ctx.res.end();
    return;
  }
  ctx.res.writeHead(200, { ...headers, 'Content-Length': '2' });
  ctx.res.end('OK');
}

const buildTime = new Date().toISOString();

function version(ctx: RequestContext): void {
  const d = ctx.daemon;
  const details = {
    ApiVersion: apiVersion, Arch: d.host.arch, BuildTime: buildTime, Experimental: String(d.config.experimental),
    GitCommit: 'berth', GoVersion: `node ${process.version}`, KernelVersion: d.host.kernel, MinAPIVersion: minApiVersion, Os: 'linux',
  };
  const runtimeComponents = Object.entries(d.runtimes).map(([name, r]) => ({
    Name: name, Version: runtimeVersion(r.path) || 'unknown', Details: { Path: r.path },
  }));
  sendJson(ctx.res, 200, {
    Platform: { Name: `Berth Engine ${d.version}` },
    Components: [{ Name: 'Engine', Version: d.version, Details: details }, ...runtimeComponents],
    Version: d.version, ApiVersion: apiVersion, MinAPIVersion: minApiVersion, GitCommit: 'berth',
    GoVersion: `node ${process.version}`, Os: 'linux', Arch: d.host.arch, KernelVersion: d.host.kernel,
    Experimental: d.config.experimental, BuildTime: buildTime,
  });
}

function info(ctx: RequestContext): void {
  const d = ctx.daemon;
  const counts = d.images.containers.counts();
  const images = d.images.images.list();
  const tls = d.config.tls;
  sendJson(ctx.res, 200, {
    ID: d.id,
    Containers: counts.total, ContainersRunning: counts.running, ContainersPaused: counts.paused, ContainersStopped: counts.stopped,
    Images: images.length,
    Driver: d.storageDriver,
    DriverStatus: d.storageDriver === 'overlay2'
      ? [['Backing Filesystem', 'extfs'], ['Supports d_type', 'true'], ['Using metacopy', 'false'], ['Native Overlay Diff', 'true'], ['userxattr', 'false']]
      : [],
    DockerRootDir: d.config.dataRoot,
    Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'null'], Authorization: null, Log: ['json-file'] },
    MemoryLimit: true, SwapLimit: d.host.cgroupVersion === '2', KernelMemory: false, KernelMemoryTCP: false,
    CpuCfsPeriod: true, CpuCfsQuota: true, CPUShares: true, CPUSet: true, PidsLimit: true, OomKillDisable: d.host.cgroupVersion === '1',
    IPv4Forwarding: true, BridgeNfIptables: false, BridgeNfIp6tables: false,
    Debug: d.config.debug, NFd: 0, NGoroutines: 0, SystemTime: new Date().toISOString(),
    LoggingDriver: 'json-file', CgroupDriver: d.host.cgroupDriver, CgroupVersion: d.host.cgroupVersion,
    NEventsListener: d.events.clientCount,
    KernelVersion: d.host.kernel, OperatingSystem: d.host.os.name, OSVersion: d.host.os.version, OSType: 'linux',
    Architecture: d.host.arch === 'amd64' ? 'x86_64' : d.host.arch, IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: {
      AllowNondistributableArtifactsCIDRs: null, AllowNondistributableArtifactsHostnames: null,
      InsecureRegistryCIDRs: ['127.0.0.0/8'],
      IndexConfigs: Object.fromEntries(d.config.insecureRegistries.map((r) => [r, { Name: r, Mirrors: [], Secure: false, Official: false }])),
      Mirrors: d.config.registryMirrors,
    },
    NCPU: d.host.ncpu, MemTotal: d.host.memTotal, GenericResources: null,
    HttpProxy: process.env.HTTP_PROXY ?? '', HttpsProxy: process.env.HTTPS_PROXY ?? '', NoProxy: process.env.NO_PROXY ?? '',
    Name: d.host.hostname, Labels: d.config.labels, ExperimentalBuild: d.config.experimental,
    ServerVersion: d.version,
    Runtimes: Object.fromEntries(Object.entries(d.runtimes).map(([name, r]) => [name, { path: r.path, ...(r.runtimeArgs ? { runtimeArgs: r.runtimeArgs } : {}) }])),
    DefaultRuntime: d.config.defaultRuntime,
    Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
    LiveRestoreEnabled: true, Isolation: '', InitBinary: '',
    ContainerdCommit: { ID: '', Expected: '' }, RuncCommit: { ID: '', Expected: '' }, InitCommit: { ID: '', Expected: '' },
    SecurityOptions: ['name=seccomp,profile=builtin', ...(d.host.cgroupVersion === '2' ? ['name=cgroupns'] : [])],
    CDISpecDirs: [],
    ...(tls ? { TLS: true } : {}),
    Warnings: d.warnings.length ? d.warnings : null,
  });
}

function imagesWithSharedSize(svc: RequestContext['daemon']['images'], version: string): Record<string, unknown>[] {
  const all = svc.images.list();
  const shared = sharedSizes(svc, all);
  return all.map((img) => imageSummary(svc, img, version, shared.get(img.id)));
}

const dfTypes = ['container', 'image', 'volume', 'build-cache'] as const;

/** GET /system/df: images, containers (writable layer and virtual size), volumes (size, users). */
async function systemDf(ctx: RequestContext): Promise<void> {
  const d = ctx.daemon;
  const svc = d.images;
  // API 1.42+: `type` (repeatable) asks for only some parts, as `docker system df` never does.
  const asked = ctx.query.getAll('type');
  for (const t of asked) if (!(dfTypes as readonly string[]).includes(t)) throw new InvalidParameter(`invalid type "${t}": must be one of ${dfTypes.join(', ')}`);
  const wants = (t: (typeof dfTypes)[number]): boolean => asked.length === 0 || asked.includes(t);
  const containers = wants('container') || wants('volume') ? servicesOf(ctx) : null;
  const records = containers ? containers.manager.recordsNewestFirst() : [];
  const [sizes, volumes] = await Promise.all([
    containers && wants('container') ? Promise.all(records.map((r) => containerSizes(r, containers.images))) : null,
    containers && wants('volume') ? volumesUsage(containers.volumes, containers.manager) : null,
  ]);
  sendJson(ctx.res, 200, {
    ...(wants('image') ? { LayersSize: svc.layersSize(), Images: imagesWithSharedSize(svc, ctx.version) } : {}),
    ...(sizes ? { Containers: records.map((r, i) => listView(r, sizes[i])) } : {}),
    ...(volumes ? { Volumes: volumes.map((u) => ({ ...volumeView(u.volume), UsageData: { Size: u.size, RefCount: u.refCount } })) } : {}),
    ...(wants('build-cache') ? { BuildCache: [] } : {}),
  });
}

const eventFilters = ['config', 'container', 'daemon', 'event', 'image', 'label', 'network', 'node', 'plugin', 'scope', 'secret', 'service', 'type', 'volume'] as const;

/** "1700000000", "1700000000.123456789" or an RFC 3339 time -> nanoseconds since the epoch. */
function parseEventTime(value: string, what: string): number {
  if (/^\d+(\.\d+)?$/.test(value)) {
    const [sec = '0', frac = ''] = value.split('.');
    return Number(sec) * 1e9 + Number(frac.padEnd(9, '0').slice(0, 9));
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidParameter(`invalid ${what} time "${value}"`);
  return ms * 1e6;
}

function events(ctx: RequestContext): void {
  const q = parseQuery(ctx.query, eventsQuery, 'events');
  const f = parseFilters(q.filters, eventFilters);
  const since = q.since ? parseEventTime(q.since, 'since') : undefined;
  const until = q.until ? parseEventTime(q.until, 'until') : undefined;
  const res = ctx.res;
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  const write = (e: EngineEvent): void => {
    if (until !== undefined && e.timeNano > until) return;
    if (eventMatches(e, f)) res.write(`${JSON.stringify(e)}\n`);
  };
  if (since !== undefined) for (const e of ctx.daemon.events.since(since)) write(e);
  const nowNs = Date.now() * 1e6;
  if (until !== undefined && until <= nowNs) { res.end(); return; }
  const unsubscribe = ctx.daemon.events.subscribeClient(write);
  let timer: NodeJS.Timeout | undefined;
  const finish = (): void => { unsubscribe(); if (timer) clearTimeout(timer); if (!res.writableEnded) res.end(); };
  if (until !== undefined) timer = setTimeout(finish, Math.max(0, (until - nowNs) / 1e6));
  ctx.req.socket.once('close', finish);
  res.once('close', finish);
}

export const systemRoutes: Route[] = [
  { method: 'GET', path: '/_ping', handler: ping },
  { method: 'GET', path: '/version', handler: version },
  { method: 'GET', path: '/info', handler: info },
  { method: 'GET', path: '/system/df', handler: systemDf },
  { method: 'GET', path: '/events', handler: events },
];
