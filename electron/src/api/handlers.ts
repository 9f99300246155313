// Request handlers: one function per request name, each calling a small engine module.
import type { RequestName, Requests } from '../shared/contract.js';
import type { EngineHub } from '../engine/hub.js';
import * as images from '../engine/images.js';
import * as containers from '../engine/containers.js';
import * as system from '../engine/system.js';
import * as volumes from '../engine/volumes.js';
import * as networks from '../engine/networks.js';
import { defaultShell } from '../engine/shell.js';
import { oomEvents } from '../engine/pressure.js';
import { checkContext } from '../engine/build-context.js';

export type Handlers = { [K in RequestName]: (p: Requests[K]['params']) => Promise<Requests[K]['result']> };

export function makeHandlers(hub: EngineHub): Handlers {
  const d = () => hub.docker();
  return {
    'engines.list': async () => ({ engines: hub.store.state.engines, activeId: hub.active.id }),
    'engines.add': async (p) => hub.add(p.name, p.host, p.tls, p.sshKey),
    'engines.remove': async (p) => { hub.remove(p.id); return { ok: true }; },
    'engines.use': async (p) => { hub.use(p.id); return hub.status(); },
    'engine.status': () => hub.status(),
    'engine.restart': () => hub.restartEngine(),
    'system.host': () => system.hostInfo(d()),
    'system.df': () => system.diskUsage(d()),
    'system.prune': (p) => system.prune(d(), p.what),
    'images.list': () => images.listImages(d()),
    'images.inspect': (p) => images.inspectImage(d(), p.id),
    'images.tag': async (p) => { await d().getImage(p.id).tag({ repo: p.repo, tag: p.tag }); return { ok: true }; },
    'images.remove': async (p) => {
      try {
        return { removed: await images.removeImage(d(), p.id, p.force) };
      } catch (err) {
        const e = err as { statusCode?: number; json?: { message?: string }; message?: string };
        if (e.statusCode === 409) {
          const why = await images.explainImageInUse(d(), p.id).catch(() => '');
          throw Object.assign(new Error(`${e.json?.message ?? e.message}.${why}`), { statusCode: 409 });
        }
        throw err;
      }
    },
    'images.prune': (p) => system.prune(d(), p.dangling ? 'images' : 'images'),
    'images.starter': async () => ({ image: await images.importStarter(d()) }),
    'images.load': async (p) => ({ images: await images.loadFromFile(d(), p.kind, Buffer.from(p.dataBase64, 'base64'), p.repo ?? p.fileName.replace(/\.tar$/i, '').toLowerCase().replace(/[^a-z0-9._-]+/g, '-')) }),
    'images.save': (p) => images.saveToBytes(d(), p.id),
    'volumes.list': () => volumes.listVolumes(d()),
    'volumes.create': (p) => volumes.createVolume(d(), p),
    'volumes.inspect': (p) => volumes.inspectVolume(d(), p.name),
    'volumes.remove': async (p) => { await volumes.removeVolume(d(), p.name); return { ok: true }; },
    'volumes.prune': () => volumes.pruneVolumes(d()),
    'networks.list': () => networks.listNetworks(d()),
    'networks.create': (p) => networks.createNetwork(d(), p),
    'networks.inspect': (p) => networks.inspectNetwork(d(), p.id),
    'networks.remove': async (p) => { await networks.removeNetwork(d(), p.id); return { ok: true }; },
    'networks.prune': () => networks.pruneNetworks(d()),
    'containers.list': (p) => containers.listContainers(d(), p.all),
    'containers.run': (p) => containers.runContainer(d(), p.spec),
    'containers.action': (p) => containers.containerAction(d(), p.ids, p.action),
    'containers.inspect': (p) => containers.containerDetails(d(), p.id),
    'containers.top': (p) => containers.topContainer(d(), p.id),
    'containers.changes': (p) => containers.containerChanges(d(), p.id),
    'containers.update': (p) => containers.updateResources(d(), p.id, p.resources),
    'containers.oomEvents': (p) => oomEvents(d(), p.id),
    'containers.defaultShell': (p) => defaultShell(d(), p.id, p.user),
    'build.check': (p) => checkContext(p.context, p.dockerfile),
    'settings.get': async () => hub.store.state.settings,
    'settings.set': async (p) => {
      hub.store.state.settings = { ...hub.store.state.settings, ...p.settings };
      hub.store.save();
      return hub.store.state.settings;
    },
  };
}
