// A registry that misbehaves on purpose, one way per repository name, for the bad-input suites.
// It serves one valid single-layer image everywhere except where the repository says otherwise.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { layerTar, sha256 } from '../../test-support/registry-image.js';

export interface BadRegistry {
  host: string;
  /** Requests seen, as "METHOD path [range]". */
  log: string[];
  layerDigest: string;
  layerSize: number;
  /** Stalled blob responses whose connection is still open. */
  stalledOpen(): number;
  close(): Promise<void>;
}

export async function startBadRegistry(): Promise<BadRegistry> {
  const tar = await layerTar([{ path: 'payload.bin', content: Buffer.from(Array.from({ length: 600_000 }, (_, i) => (i * 2654435761) >>> 24)) }]);
  const layer = gzipSync(tar, { level: 1 });
  const layerDigest = sha256(layer);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(tar)] } }));
  const configDigest = sha256(config);
  // A config whose diff_id does not match what the layer unpacks to.
  const lyingConfig = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${'0'.repeat(64)}`] } }));
  const manifest = (layers = [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: layerDigest, size: layer.length }], cfg = config) => Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: sha256(cfg), size: cfg.length },
    layers,
  }));
  const log: string[] = [];
  let stalled = 0;
  const counters = new Map<string, number>();
  const count = (key: string) => { const n = (counters.get(key) ?? 0) + 1; counters.set(key, n); return n; };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const range = req.headers.range;
    log.push(`${req.method} ${url.pathname}${range ? ` ${range}` : ''}`);
    if (url.pathname === `/foreign/${layerDigest}`) { res.writeHead(200, { 'content-length': layer.length }).end(layer); return; }
    if (url.pathname === '/v2/' || url.pathname === '/v2') { res.writeHead(200, { 'content-type': 'application/json' }).end('{}'); return; }
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    if (!m) { res.writeHead(404).end(); return; }
    const [, repo, kind, ref] = m as unknown as [string, string, string, string];
    const mode = repo.split('/')[0]!;

    if (kind === 'manifests') {
      if (mode === 'err500') { res.writeHead(500).end('{"errors":[{"code":"UNKNOWN","message":"boom"}]}'); return; }
      if (mode === 'flaky' && count('flaky-manifest') <= 2) { res.writeHead(503).end(); return; }
      if (mode === 'redirect') { res.writeHead(302, { location: url.pathname }).end(); return; }
      if (mode === 'hugemanifest') {
        // Claims nothing, streams forever: the client must stop at its limit.
        res.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = () => { while (res.write(chunk)) { /* until back-pressure */ } };
        res.on('drain', pump);
        res.on('close', () => res.off('drain', pump));
        pump();
        return;
      }
      if (mode === 'manylayers') {
        const layers = Array.from({ length: 5000 }, () => ({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: layerDigest, size: layer.length }));
        const body = manifest(layers);
        res.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json', 'content-length': body.length }).end(body);
        return;
      }
      const foreign = [{ mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', digest: layerDigest, size: layer.length, urls: [`http://${req.headers.host}/foreign/${layerDigest}`] }];
      const body = mode === 'wrongdiffid' ? manifest(undefined, lyingConfig) : mode === 'foreign' ? manifest(foreign) : manifest();
      if (ref.startsWith('sha256:') && ref !== sha256(body)) { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json', 'content-length': body.length, 'docker-content-digest': sha256(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }

    if (ref === configDigest) { res.writeHead(200, { 'content-length': config.length }).end(config); return; }
    if (ref === sha256(lyingConfig)) { res.writeHead(200, { 'content-length': lyingConfig.length }).end(lyingConfig); return; }
    if (ref !== layerDigest || mode === 'foreign') { res.writeHead(404).end(); return; }
    const start = range ? Number(/bytes=(\d+)-/.exec(range)?.[1] ?? 0) : 0;
    const headers = (from: number) => ({ 'content-length': layer.length - from, 'accept-ranges': 'bytes', ...(from > 0 ? { 'content-range': `bytes ${from}-${layer.length - 1}/${layer.length}` } : {}) });
    switch (mode) {
      case 'wrongdigest': {
        const wrong = Buffer.from(layer);
        wrong[wrong.length >> 1] = (wrong[wrong.length >> 1] ?? 0) ^ 0x55;
        res.writeHead(200, headers(0)).end(wrong);
        return;
      }
      case 'truncated': {
        // Every answer breaks off half-way through what it promised.
        res.writeHead(start > 0 ? 206 : 200, headers(start));
        const part = layer.subarray(start, start + Math.max(1, (layer.length - start) >> 1));
        res.write(part, () => res.destroy());
        return;
      }
      case 'resume': {
        // The first answer breaks off; a Range request is then served properly.
        if (count('resume-blob') === 1) {
          res.writeHead(200, headers(0));
          res.write(layer.subarray(0, 200_000), () => res.destroy());
          return;
        }
        res.writeHead(start > 0 ? 206 : 200, headers(start)).end(layer.subarray(start));
        return;
      }
      case 'stall': {
        stalled++;
        res.on('close', () => { stalled--; });
        res.writeHead(200, headers(0));
        res.write(layer.subarray(0, 1000)); // then nothing, forever
        return;
      }
      case 'blobredirect': {
        res.writeHead(307, { location: `/v2/${repo}/blobs/${ref}?hop=${count('hop')}` }).end();
        return;
      }
      default:
        res.writeHead(start > 0 ? 206 : 200, headers(start)).end(layer.subarray(start));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`, log, layerDigest, layerSize: layer.length,
    stalledOpen: () => stalled,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
