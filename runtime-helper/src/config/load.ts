// Merges the config file and the flags. Setting a key in both places is an error, as in dockerd.
import { readFileSync, existsSync } from 'node:fs';
import { configSchema, resolveConfig, defaultConfigFile, type DaemonConfig, type ConfigFile } from './config.js';
import { parseFlags, FlagError } from './flags.js';

export interface LoadedConfig { config: DaemonConfig; help: boolean; version: boolean }

export function loadConfig(argv: readonly string[]): LoadedConfig {
  const flags = parseFlags(argv);
  const file = flags.configFile ?? (existsSync(defaultConfigFile) ? defaultConfigFile : undefined);
  let fromFile: Record<string, unknown> = {};
  if (file !== undefined) {
    let text: string;
    try { text = readFileSync(file, 'utf8'); } catch (err) {
      throw new FlagError(`read config file ${file}: ${(err as Error).message}`);
    }
    try { fromFile = JSON.parse(text) as Record<string, unknown>; } catch (err) {
      throw new FlagError(`parse config file ${file}: ${(err as Error).message}`);
    }
    const conflicts = Object.keys(flags.config).filter((k) => k in fromFile);
    if (conflicts.length > 0) {
      throw new FlagError(`the following directives are specified both as a flag and in the configuration file (${file}): ${conflicts.join(', ')}`);
    }
  }
  const parsed = configSchema.safeParse({ ...fromFile, ...flags.config });
  if (!parsed.success) {
    throw new FlagError(`invalid configuration${file ? ` (${file})` : ''}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return { config: resolveConfig(parsed.data as ConfigFile), help: flags.help, version: flags.version };
}
