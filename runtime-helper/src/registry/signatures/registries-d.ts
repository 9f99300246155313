// Where an image's signatures live: the lookaside (formerly "sigstore") base URL of the most
// specific scope, as containers-registries.d(5) lays it out — every *.yaml file of the directory,
// a `docker:` map of scope (host[:port][/namespace…[/repo]]) to { lookaside | sigstore }, and a
// `default-docker` entry for the rest. berthd's own `registry-lookaside` map (scope -> URL) is
// consulted first. Only the reading keys matter here: `*-staging` keys are for writers (skopeo).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { RegistryError } from '../errors.js';
import { type ImageReference, repositoryName } from '../reference.js';

const namespaceSchema = z.object({
  lookaside: z.string().optional(),
  sigstore: z.string().optional(),
  'lookaside-staging': z.string().optional(),
  'sigstore-staging': z.string().optional(),
  'use-sigstore-attachments': z.boolean().optional(),
}).passthrough();

const fileSchema = z.object({
  'default-docker': namespaceSchema.nullish(),
  docker: z.record(z.string(), namespaceSchema.nullish()).nullish(),
}).passthrough();

export interface LookasideSource {
  /** Base URL (file:, http: or https:) under which <repo>@<alg>=<hex>/signature-N live. */
  url: URL;
  /** Which configuration chose it, for error messages. */
  from: string;
}

export class LookasideConfig {
  private constructor(private readonly scopes: Map<string, LookasideSource>, private readonly fallback: LookasideSource | undefined) {}

  /** Reads `dir` (absent = no entries) and overlays the explicit scope map. */
  static load(dir: string | undefined, explicit: Record<string, string> = {}): LookasideConfig {
    const scopes = new Map<string, LookasideSource>();
    let fallback: LookasideSource | undefined;
    if (dir !== undefined) {
      let names: string[] = [];
      try { names = readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort(); } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`read registries.d ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      for (const name of names) {
        const file = join(dir, name);
        const parsed = parseFile(file);
        const def = lookasideOf(parsed['default-docker'], `${file} default-docker`);
        if (def) {
          if (fallback) throw new Error(`read registries.d ${dir}: default-docker is set in both ${fallback.from.split(' ')[0]} and ${file}`);
          fallback = def;
        }
        for (const [scope, ns] of Object.entries(parsed.docker ?? {})) {
          const src = lookasideOf(ns, `${file} docker.${scope}`);
          if (!src) continue;
          if (scopes.has(scope)) throw new Error(`read registries.d ${dir}: scope ${scope} is configured twice (${scopes.get(scope)!.from.split(' ')[0]} and ${file})`);
          scopes.set(scope, src);
        }
      }
    }
    for (const [scope, url] of Object.entries(explicit)) scopes.set(scope, { url: parseBase(url, `registry-lookaside ${scope}`), from: `registry-lookaside ${scope}` });
    return new LookasideConfig(scopes, fallback);
  }

  /** The lookaside for a repository: longest matching scope, then default-docker. */
  sourceFor(ref: ImageReference): LookasideSource | undefined {
    let s = repositoryName(ref);
    for (;;) {
      const hit = this.scopes.get(s);
      if (hit) return hit;
      const i = s.lastIndexOf('/');
      if (i < 0) break;
      s = s.slice(0, i);
    }
    return this.fallback;
  }
}

function parseFile(file: string): z.infer<typeof fileSchema> {
  let doc: unknown;
  try { doc = parseYaml(readFileSync(file, 'utf8')); } catch (err) {
    throw new Error(`read registries.d file ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const r = fileSchema.safeParse(doc ?? {});
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`read registries.d file ${file}: ${i?.path.join('.') || '(root)'}: ${i?.message}`);
  }
  return r.data;
}

function lookasideOf(ns: z.infer<typeof namespaceSchema> | null | undefined, from: string): LookasideSource | undefined {
  const url = ns?.lookaside ?? ns?.sigstore;
  return url === undefined ? undefined : { url: parseBase(url, from), from };
}

function parseBase(text: string, from: string): URL {
  let url: URL;
  try { url = new URL(text); } catch { throw new RegistryError('policy', `${from}: lookaside "${text}" is not a URL`); }
  if (!['file:', 'http:', 'https:'].includes(url.protocol)) throw new RegistryError('policy', `${from}: lookaside ${url.protocol} URLs are not supported (file, http, https)`);
  return url;
}
