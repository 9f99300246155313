// Resolves a Docker `User` string ("name", "uid", "name:group", "uid:gid") against the image's
// /etc/passwd and /etc/group, the way Docker does: names must exist, numbers need not.
import { readFileSync } from 'node:fs';
import { resolveInRoot } from './safe-path.js';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
interface GroupEntry { name: string; gid: number; members: string[] }

function readLines(rootfs: string, file: string): string[] {
  try {
    const real = resolveInRoot(rootfs, file);
    return readFileSync(real, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  } catch {
    return [];
  }
}

function passwd(rootfs: string): PasswdEntry[] {
  return readLines(rootfs, '/etc/passwd').map((l) => l.split(':')).filter((f) => f.length >= 7)
    .map((f) => ({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]! }));
}

function groups(rootfs: string): GroupEntry[] {
  return readLines(rootfs, '/etc/group').map((l) => l.split(':')).filter((f) => f.length >= 3)
    .map((f) => ({ name: f[0]!, gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) }));
}

const isNumber = (s: string): boolean => /^\d+$/.test(s);

export function resolveUser(rootfs: string, user: string): ResolvedUser {
  const [userPart = '', groupPart] = (user || '0').split(':', 2);
  const users = passwd(rootfs);
  let entry: PasswdEntry | undefined;
  if (isNumber(userPart)) {
    entry = users.find((u) => u.uid === Number(userPart)) ?? { name: '', uid: Number(userPart), gid: 0, home: '/' };
  } else {
    entry = users.find((u) => u.name === userPart);
    if (!entry) throw new Error(`unable to find user ${userPart}: no matching entries in passwd file`);
  }
  const allGroups = groups(rootfs);
  let gid = entry.gid;
  if (groupPart !== undefined && groupPart !== '') {
    if (isNumber(groupPart)) gid = Number(groupPart);
    else {
      const g = allGroups.find((x) => x.name === groupPart);
      if (!g) throw new Error(`unable to find group ${groupPart}: no matching entries in group file`);
      gid = g.gid;
    }
  }
  // Like Docker: the primary group is a supplementary group too, then the user's memberships.
  const additionalGids = [gid, ...(entry.name ? allGroups.filter((g) => g.members.includes(entry.name) && g.gid !== gid).map((g) => g.gid) : [])];
  return { uid: entry.uid, gid, additionalGids, home: entry.home || '/' };
}

/** --group-add: group names looked up in the image's /etc/group, numbers taken as they are. */
export function resolveGroups(rootfs: string, names: string[]): number[] {
  if (!names.length) return [];
  const all = names.some((n) => !isNumber(n)) ? groups(rootfs) : [];
  return names.map((n) => {
    if (isNumber(n)) return Number(n);
    const g = all.find((x) => x.name === n);
    if (!g) throw new Error(`Unable to find group ${n}: no matching entries in group file`);
    return g.gid;
  });
}
