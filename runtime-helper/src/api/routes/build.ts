// POST /build: the legacy builder's API (what the docker CLI without buildx sends): the context
// tar as the body, the options in the query. Bad options and Dockerfile parse errors are HTTP
// errors before anything streams (as dockerd); a failing step is an in-band error.
import { join } from 'node:path';
import { z } from 'zod';
import type { Route, RequestContext } from '../context.js';
import { parseQuery, queryBool, queryString, queryStringList } from '../body.js';
import { InvalidParameter } from '../errors.js';
import { servicesOf } from './containers-services.js';
import { parseImageName } from '../../images/reference-store.js';
import { familiarString, withDefaultTag, type ImageReference } from '../../registry/reference.js';
import { openContext } from '../../image-build/build-context.js';
import { parseDockerfile } from '../../image-build/dockerfile-parser.js';
import { Builder, planStages } from '../../image-build/builder.js';
import { BuildOutput } from '../../image-build/build-output.js';
import { StepContainers } from '../../image-build/step-containers.js';

const jsonMap = <V extends z.ZodType>(value: V, what: string) => queryString.transform((v, ctx) => {
  if (v === undefined || v === '') return {} as Record<string, z.infer<V>>;
  let parsed: unknown;
  try { parsed = JSON.parse(v); } catch { ctx.addIssue({ code: 'custom', message: `${what}: invalid JSON` }); return z.NEVER; }
  const r = z.record(z.string(), value).safeParse(parsed);
  if (!r.success) { ctx.addIssue({ code: 'custom', message: `${what}: must be a JSON object of strings` }); return z.NEVER; }
  return r.data;
});

const intParam = queryString.transform((v, ctx) => {
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) { ctx.addIssue({ code: 'custom', message: `invalid number: ${v}` }); return z.NEVER; }
  return Number(v);
});

// Query schema, made once: zod compiles a schema on its first parse.
const buildQuery = z.object({
  t: queryStringList, dockerfile: queryString, buildargs: jsonMap(z.string().nullable(), 'buildargs'),
  labels: jsonMap(z.string(), 'labels'), nocache: queryBool, rm: queryString, forcerm: queryBool, q: queryBool,
  target: queryString, pull: queryString, networkmode: queryString, platform: queryString, remote: queryString,
  memory: intParam, memswap: intParam, cpushares: intParam, cpusetcpus: queryString, cpusetmems: queryString,
  cpuperiod: intParam, cpuquota: intParam, shmsize: intParam, version: queryString, cachefrom: queryString,
  extrahosts: queryString, squash: queryBool, session: queryString, outputs: queryString,
}).passthrough();

const hostArch = (): string => ({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[process.arch] ?? process.arch;

function tagsOf(list: string[]): ImageReference[] {
  return list.filter((t) => t !== '').map((t) => {
    const ref = withDefaultTag(parseImageName(t));
    if (ref.digest !== undefined) throw new InvalidParameter(`invalid reference format: ${t} (a build is tagged with a name, not a digest)`);
    return ref;
  });
}

async function build(ctx: RequestContext): Promise<void> {
  const q = parseQuery(ctx.query, buildQuery, 'build');
  const services = servicesOf(ctx);
  if (q.remote) throw new InvalidParameter('build: a remote context needs outside traffic; send the context as the request body');
  if (q.version === '2') throw new InvalidParameter('build: BuildKit (version=2) is not supported by berthd; the legacy builder (version=1) is');
  if (q.platform) {
    const [os, arch] = q.platform.toLowerCase().split('/');
    if (os !== 'linux' || (arch !== undefined && arch !== hostArch())) throw new InvalidParameter(`build: platform ${q.platform} is not this host's (linux/${hostArch()})`);
  }
  const networkMode = q.networkmode ?? 'default';
  if (!['default', 'none', 'host', 'bridge', ''].includes(networkMode)) throw new InvalidParameter(`build: network mode ${networkMode} is not supported (default, bridge, host or none)`);
  const tags = tagsOf(q.t);
  const resources: Record<string, number | string> = {};
  if (q.memory) resources.Memory = q.memory;
  if (q.memswap) resources.MemorySwap = q.memswap;
  if (q.cpushares) resources.CpuShares = q.cpushares;
  if (q.cpusetcpus) resources.CpusetCpus = q.cpusetcpus;
  if (q.cpusetmems) resources.CpusetMems = q.cpusetmems;
  if (q.cpuperiod) resources.CpuPeriod = q.cpuperiod;
  if (q.cpuquota) resources.CpuQuota = q.cpuquota;
  if (q.shmsize) resources.ShmSize = q.shmsize;
  const context = await openContext(ctx.req, join(ctx.daemon.config.dataRoot, 'tmp'), q.dockerfile ?? '');
  try {
    const df = parseDockerfile(context.dockerfileText);
    // dockerd's words for a file of comments only (an empty one is refused as it is read).
    if (df.instructions.length === 0) throw new InvalidParameter('failed to parse Dockerfile: file with no instructions');
    planStages(df, q.target); // target and stage errors before the stream starts
    const out = new BuildOutput(ctx.res, q.q);
    out.start();
    const cancel = new AbortController();
    // The client is gone once its connection closes.
    const socket = ctx.req.socket;
    const gone = (): void => { if (!ctx.res.writableFinished) cancel.abort(); };
    socket.once('close', gone);
    try {
      const builder = new Builder(ctx.daemon.images, new StepContainers(services, { networkMode, resources }), out, context, {
        buildArgs: q.buildargs, labels: q.labels, noCache: q.nocache, rm: q.rm === undefined || q.rm === '' || q.rm === '1' || q.rm.toLowerCase() === 'true',
        forceRm: q.forcerm, pull: q.pull === '1' || q.pull?.toLowerCase() === 'true', ...(q.target ? { target: q.target } : {}), cancel: cancel.signal,
      });
      const id = await builder.build(df);
      if (q.q) out.always(`${id}\n`);
      out.stream(`Successfully built ${id.slice(7, 19)}\n`);
      for (const ref of tags) {
        ctx.daemon.images.addReference(ref, id);
        ctx.daemon.images.imageEvent('tag', id, familiarString(ref));
        out.stream(`Successfully tagged ${familiarString(ref)}\n`);
      }
      out.end();
    } catch (err) {
      ctx.daemon.log.debug({ err }, 'build failed');
      out.fail(err);
    } finally {
      socket.off('close', gone);
    }
  } finally {
    context.dispose();
  }
}

export const buildRoutes: Route[] = [{ method: 'POST', path: '/build', handler: build }];
