// zod schemas for every request's and stream's params: the API's input boundary.
import { z } from 'zod';
import type { RequestName, StreamName } from '../shared/contract.js';
import { NETWORK_NAME, subnetProblems } from '../shared/network-spec.js';
import { runAdvancedSchema } from './run-advanced-schema.js';

const empty = z.object({}).strict();
const id = z.string().min(1).max(256);

export const resourceSchema = z.object({
  memory: z.number().int().min(0).refine((v) => v === 0 || v >= 6 * 1024 * 1024, 'memory: the minimum limit is 6 MiB (or 0 for no limit)'),
  cpuShares: z.number().int().min(0).max(262144).refine((v) => v === 0 || v >= 2, 'cpu shares: at least 2 (or 0 for the default)'),
  cpusetCpus: z.string().regex(/^(\d+(-\d+)?)(,\d+(-\d+)?)*$|^$/, 'cpuset: a list like 0,1 or 0-3'),
  pidsLimit: z.number().int().min(0),
  blkioWeight: z.number().int().refine((v) => v === 0 || (v >= 10 && v <= 1000), 'blkio weight: between 10 and 1000 (or 0 for the default)'),
  cpus: z.number().min(0).max(4096).refine((v) => v === 0 || v >= 0.01, 'cpus: at least 0.01 (or 0 for no quota)').optional(),
});

export const runSpecSchema = z.object({
  image: z.string().min(1, 'image: choose an image to run'),
  name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'name: letters, digits, _ . - and starting with a letter or digit').optional().or(z.literal('')),
  cmd: z.array(z.string()).optional(),
  env: z.array(z.object({ key: z.string().regex(/^[^=\s]*$/, 'env: a variable name has no = or spaces'), value: z.string() })),
  ports: z.array(z.object({ container: z.number().int().min(1).max(65535), host: z.number().int().min(0).max(65535).optional(), protocol: z.enum(['tcp', 'udp']), hostIp: z.string().optional() })),
  volumes: z.array(z.object({ source: z.string().min(1), target: z.string().startsWith('/', 'volume target: an absolute path in the container'), readOnly: z.boolean() })),
  workdir: z.string().optional(),
  user: z.string().optional(),
  hostname: z.string().optional(),
  restart: z.enum(['no', 'always', 'unless-stopped', 'on-failure']),
  tty: z.boolean(),
  interactive: z.boolean(),
  network: z.string().optional(),
  resources: resourceSchema,
  advanced: runAdvancedSchema.optional(),
});

// As the local driver of dockerd and berthd accepts them.
const volumeName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'volume name: letters, digits, _ . - and starting with a letter or digit').max(255, 'volume name: at most 255 characters');
const keyValues = (what: string) => z.record(z.string().min(1, `${what}: a key is empty`).max(1024).regex(/^[^=]*$/, `${what}: a key has no =`), z.string().max(4096));
const volumeCreateSchema = z.object({ name: volumeName.optional(), labels: keyValues('labels'), driverOpts: keyValues('driver options') });

const networkCreateSchema = z.object({
  name: z.string().regex(NETWORK_NAME, 'network name: letters, digits, _ . - and starting with a letter or digit').max(255, 'network name: at most 255 characters'),
  driver: z.literal('bridge'),
  subnet: z.string().max(64).optional(),
  gateway: z.string().max(64).optional(),
  internal: z.boolean(),
  labels: keyValues('labels'),
}).superRefine((v, ctx) => { for (const message of subnetProblems(v.subnet ?? '', v.gateway ?? '')) ctx.addIssue({ code: 'custom', message }); });

// A tag as the docker CLI takes it: [host[:port]/]name[:tag], lowercase name.
const buildTag = z.string().regex(/^[a-z0-9]+([._-]+[a-z0-9]+)*(\.[a-z0-9-]+)*(:\d+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[\w][\w.-]{0,127})?$/, 'tag: name[:tag] in lowercase, like myapp:1.0 or host:5000/team/app:dev');
const buildPaths = { context: z.string().min(1, 'build context: choose a folder').max(4096), dockerfile: z.string().max(4096) };
const buildSpecSchema = z.object({
  ...buildPaths,
  tags: z.array(buildTag).max(32),
  // Keys checked here rather than by the record's key schema: zod reports those as "Invalid key in record".
  buildArgs: z.record(z.string(), z.string().max(4096)).superRefine((args, ctx) => {
    for (const k of Object.keys(args)) if (!/^[^=\s]{1,256}$/.test(k)) ctx.addIssue({ code: 'custom', message: `build arg '${k}': a name of 1 to 256 characters, no = or spaces` });
  }),
  target: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'target: a stage name (letters, digits, _ . -)').optional().or(z.literal('')),
  noCache: z.boolean(),
  network: z.enum(['default', 'none', 'host']).optional(),
});

const tls = z.object({ ca: z.string().optional(), cert: z.string().optional(), key: z.string().optional() }).optional();

export const requestSchemas: Record<RequestName, z.ZodType> = {
  'engines.list': empty,
  'engines.add': z.object({ name: z.string(), host: z.string().min(1), tls, sshKey: z.string().min(1).optional() }),
  'engines.remove': z.object({ id }),
  'engines.use': z.object({ id }),
  'engine.status': empty,
  'engine.restart': empty,
  'system.host': empty,
  'system.df': empty,
  'system.prune': z.object({ what: z.enum(['containers', 'images', 'volumes', 'all']) }),
  'images.list': empty,
  'images.inspect': z.object({ id }),
  'images.tag': z.object({ id, repo: z.string().regex(/^[a-z0-9]+([._/:-][a-z0-9]+)*$/, 'repository: lowercase letters, digits and . _ - /'), tag: z.string().regex(/^[\w][\w.-]{0,127}$/, 'tag: letters, digits, _ . - (max 128)') }),
  'images.remove': z.object({ id, force: z.boolean() }),
  'images.prune': z.object({ dangling: z.boolean() }),
  'images.starter': empty,
  'images.load': z.object({ kind: z.enum(['load', 'import']), fileName: z.string().max(255), dataBase64: z.string().min(1, 'file: the file is empty').max(16 * 1024 * 1024, 'file: larger than 12 MB; load big archives with `docker load -i` instead'), repo: z.string().regex(/^[a-z0-9]+([._/:-][a-z0-9]+)*$/, 'repository: lowercase letters, digits and . _ - / :').optional() }),
  'images.save': z.object({ id }),
  'volumes.list': empty,
  'volumes.create': volumeCreateSchema,
  'volumes.inspect': z.object({ name: volumeName }),
  'volumes.remove': z.object({ name: volumeName }),
  'volumes.prune': empty,
  'networks.list': empty,
  'networks.create': networkCreateSchema,
  'networks.inspect': z.object({ id }),
  'networks.remove': z.object({ id }),
  'networks.prune': empty,
  'containers.list': z.object({ all: z.boolean() }),
  'containers.run': z.object({ spec: runSpecSchema }),
  'containers.action': z.object({ ids: z.array(id).min(1), action: z.enum(['start', 'stop', 'restart', 'pause', 'unpause', 'kill', 'remove']) }),
  'containers.inspect': z.object({ id }),
  'containers.top': z.object({ id }),
  'containers.changes': z.object({ id }),
  'containers.update': z.object({ id, resources: resourceSchema.partial() }),
  'containers.oomEvents': z.object({ id }),
  'containers.defaultShell': z.object({ id, user: z.string().optional() }),
  'build.check': z.object(buildPaths),
  'settings.get': empty,
  'settings.set': z.object({
    settings: z.object({
      defaultResources: resourceSchema.optional(),
      theme: z.enum(['system', 'light', 'dark']).optional(),
      registryMirrors: z.array(z.string().url()).optional(),
      scrollback: z.number().int().min(100).max(1_000_000).optional(),
      terminalRenderer: z.enum(['auto', 'webgl', 'dom']).optional(),
    }),
  }),
};

export const streamSchemas: Record<StreamName, z.ZodType> = {
  logs: z.object({ id, follow: z.boolean(), timestamps: z.boolean(), tail: z.number().int().min(0) }),
  stats: z.object({ id }),
  events: empty,
  pull: z.object({ image: z.string().regex(/^[\w][\w.\-/:@]*$/, 'image reference: like busybox, library/alpine:3 or host:5000/name:tag') }),
  push: z.object({
    image: z.string().regex(/^[a-z0-9][\w.\-/:]*$/, 'image reference: a tag like host:5000/name:tag'),
    username: z.string().max(256).optional(),
    password: z.string().max(4096).optional(),
  }),
  build: buildSpecSchema,
  terminal: z.object({ id, mode: z.enum(['exec', 'attach']), cmd: z.array(z.string()).optional(), user: z.string().optional(), cols: z.number().int().min(1).max(1000), rows: z.number().int().min(1).max(1000) }),
};

export const clientMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), id: z.number().int(), method: z.string(), params: z.unknown() }),
  z.object({ t: z.literal('open'), sid: z.number().int(), stream: z.string(), params: z.unknown() }),
  z.object({ t: z.literal('close'), sid: z.number().int() }),
  z.object({ t: z.literal('input'), sid: z.number().int(), data: z.string() }),
  z.object({ t: z.literal('resize'), sid: z.number().int(), cols: z.number().int().min(1), rows: z.number().int().min(1) }),
  z.object({ t: z.literal('ack'), sid: z.number().int(), bytes: z.number().int().min(0) }),
]);

export function validationMessage(what: string, err: z.ZodError): string {
  return `${what}: invalid input: ${err.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ` : '') + i.message).join('; ')}`;
}
