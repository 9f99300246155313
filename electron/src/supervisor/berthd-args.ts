// berthd's command line as the app launches it: the socket, then the app's settings that berthd
// takes as flags (registry mirrors). A key that berthd's config file already sets is left to the
// file, since berthd refuses a key given both ways (as dockerd does).
import { readFileSync } from 'node:fs';

export const BERTHD_CONFIG_FILE = '/etc/berth/daemon.json';

export interface BerthdLaunch {
  main: string;
  host: string;
  /** More flags for tests and benchmarks (--data-root, --exec-root). */
  extra?: string[] | undefined;
  registryMirrors: string[];
  configFile?: string | undefined;
}

/** args: node's arguments as root (berthd's main, then its flags); flags: the launcher's under pkexec. */
export interface BerthdArgs { args: string[]; flags: string[]; notes: string[] }

function configFileKeys(file: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return new Set(); // no config file: flags only
  }
  try {
    return new Set(Object.keys(JSON.parse(text) as Record<string, unknown>));
  } catch {
    return new Set(); // berthd itself names the broken file when it starts
  }
}

export function berthdArgs(l: BerthdLaunch): BerthdArgs {
  const flags = ['-H', l.host, ...(l.extra ?? [])];
  const notes: string[] = [];
  const file = l.configFile ?? BERTHD_CONFIG_FILE;
  if (l.registryMirrors.length > 0) {
    if (configFileKeys(file).has('registry-mirrors')) {
      notes.push(`registry mirrors come from ${file}; the app's list is not passed (berthd refuses a key set both ways)`);
    } else {
      for (const m of l.registryMirrors) flags.push('--registry-mirror', m);
    }
  }
  return { args: [l.main, ...flags], flags, notes };
}
