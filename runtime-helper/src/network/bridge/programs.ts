// The host programs the bridge is made with (iproute2's ip, iptables, util-linux's nsenter), by
// absolute path: berthd's spawner runs a path, without a PATH search.
import { existsSync } from 'node:fs';
import { runProgram, type RunOutput } from '../../util/spawner.js';

const dirs = ['/usr/sbin', '/sbin', '/usr/bin', '/bin'];
const found = new Map<string, string | undefined>();

export function programPath(name: string): string | undefined {
  if (!found.has(name)) found.set(name, dirs.map((d) => `${d}/${name}`).find((p) => existsSync(p)));
  return found.get(name);
}

/** Runs a program; a failure names the command and carries its stderr. */
export async function run(name: string, args: string[]): Promise<RunOutput> {
  const path = programPath(name);
  if (!path) throw new Error(`${name} is not installed`);
  try {
    return await runProgram(path, args, { timeoutMs: 10_000 });
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr?.trim();
    throw new Error(`${name} ${args.join(' ')}: ${stderr || (e as Error).message}`, { cause: e });
  }
}
