// dockerd's command-line flags, mapped to the config file's keys. Booleans take an optional
// "=false"; list flags repeat. Unknown flags are an error that names the flag.
import type { ConfigFile } from './config.js';

type Kind = 'string' | 'bool' | 'list' | 'int';
interface FlagSpec { names: string[]; key: keyof ConfigFile | 'config-file' | 'help' | 'version'; kind: Kind }

const flags: FlagSpec[] = [
  { names: ['-H', '--host'], key: 'hosts', kind: 'list' },
  { names: ['--data-root', '-g', '--graph'], key: 'data-root', kind: 'string' },
  { names: ['--exec-root'], key: 'exec-root', kind: 'string' },
  { names: ['-D', '--debug'], key: 'debug', kind: 'bool' },
  { names: ['-l', '--log-level'], key: 'log-level', kind: 'string' },
  { names: ['-p', '--pidfile'], key: 'pidfile', kind: 'string' },
  { names: ['--config-file'], key: 'config-file', kind: 'string' },
  { names: ['--insecure-registry'], key: 'insecure-registries', kind: 'list' },
  { names: ['--registry-mirror'], key: 'registry-mirrors', kind: 'list' },
  { names: ['--tls'], key: 'tls', kind: 'bool' },
  { names: ['--tlscacert'], key: 'tlscacert', kind: 'string' },
  { names: ['--tlscert'], key: 'tlscert', kind: 'string' },
  { names: ['--tlskey'], key: 'tlskey', kind: 'string' },
  { names: ['--tlsverify'], key: 'tlsverify', kind: 'bool' },
  { names: ['-b', '--bridge'], key: 'bridge', kind: 'string' },
  { names: ['--bip'], key: 'bip', kind: 'string' },
  { names: ['--fixed-cidr'], key: 'fixed-cidr', kind: 'string' },
  { names: ['--icc'], key: 'icc', kind: 'bool' },
  { names: ['--ip'], key: 'ip', kind: 'string' },
  { names: ['--ip-forward'], key: 'ip-forward', kind: 'bool' },
  { names: ['--ip-masq'], key: 'ip-masq', kind: 'bool' },
  { names: ['--iptables'], key: 'iptables', kind: 'bool' },
  { names: ['--mtu'], key: 'mtu', kind: 'int' },
  { names: ['--dns'], key: 'dns', kind: 'list' },
  { names: ['--dns-search'], key: 'dns-search', kind: 'list' },
  { names: ['-s', '--storage-driver'], key: 'storage-driver', kind: 'string' },
  { names: ['--storage-opt'], key: 'storage-opts', kind: 'list' },
  { names: ['--default-runtime'], key: 'default-runtime', kind: 'string' },
  { names: ['--cgroup-parent'], key: 'cgroup-parent', kind: 'string' },
  { names: ['--exec-opt'], key: 'exec-opts', kind: 'list' },
  { names: ['--label'], key: 'labels', kind: 'list' },
  { names: ['-G', '--group'], key: 'group', kind: 'string' },
  { names: ['--experimental'], key: 'experimental', kind: 'bool' },
  { names: ['--max-concurrent-downloads'], key: 'max-concurrent-downloads', kind: 'int' },
  { names: ['--max-concurrent-uploads'], key: 'max-concurrent-uploads', kind: 'int' },
  { names: ['--live-restore'], key: 'live-restore', kind: 'bool' },
  { names: ['-h', '--help'], key: 'help', kind: 'bool' },
  { names: ['-v', '--version'], key: 'version', kind: 'bool' },
];

export interface ParsedFlags {
  config: Record<string, unknown>;
  configFile: string | undefined;
  help: boolean;
  version: boolean;
}

export class FlagError extends Error {}

export function parseFlags(argv: readonly string[]): ParsedFlags {
  const config: Record<string, unknown> = {};
  let configFile: string | undefined;
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const spec = flags.find((f) => f.names.includes(name));
    if (!spec) throw new FlagError(`unknown flag: ${name}`);
    let value: string | undefined = eq >= 0 ? arg.slice(eq + 1) : undefined;
    if (spec.kind === 'bool') {
      if (value === undefined) value = 'true';
      if (value !== 'true' && value !== 'false') throw new FlagError(`flag ${name}: expected true or false, got "${value}"`);
    } else if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new FlagError(`flag ${name} needs a value`);
    }
    switch (spec.key) {
      case 'config-file': configFile = value; continue;
      case 'help': help = value === 'true'; continue;
      case 'version': version = value === 'true'; continue;
    }
    if (spec.kind === 'bool') config[spec.key] = value === 'true';
    else if (spec.kind === 'int') {
      const n = Number(value);
      if (!Number.isInteger(n)) throw new FlagError(`flag ${name}: expected an integer, got "${value}"`);
      config[spec.key] = n;
    } else if (spec.kind === 'list') config[spec.key] = [...((config[spec.key] as string[] | undefined) ?? []), value];
    else config[spec.key] = value;
  }
  return { config, configFile, help, version };
}

export function usage(): string {
  const lines = flags.map((f) => `  ${f.names.join(', ').padEnd(36)} ${f.kind === 'list' ? '(repeatable)' : f.kind}`);
  return `Usage: berthd [OPTIONS]\n\nThe Berth engine daemon (serves the Docker Engine API).\n\nOptions:\n${lines.join('\n')}\n`;
}
