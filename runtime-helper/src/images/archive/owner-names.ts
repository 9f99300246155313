// The user and group names a tar header carries, looked up as dockerd's tar does inside the
// container's root (Go's os/user on the container's /etc/passwd and /etc/group): the first line
// whose id field matches; comments, NIS lines (+/-) and short lines skipped; no match, no name.
// Id 0 is 'root' whatever the files say, missing ones included: dockerd 20.10's tar process knows
// uid and gid 0 before it enters the container (seen: a passwd naming uid 0 "toor", or none).

export interface OwnerNames {
  user(uid: number): string;
  group(gid: number): string;
}

function firstById(text: string, minFields: number, idField: number): Map<number, string> {
  const names = new Map<number, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(':');
    if (parts.length < minFields) continue;
    const name = parts[0]!;
    if (name === '' || name.startsWith('+') || name.startsWith('-')) continue;
    const field = parts[idField]!;
    if (!/^\d+$/.test(field)) continue;
    const id = Number(field);
    if (!names.has(id)) names.set(id, name);
  }
  return names;
}

/** From the texts of /etc/passwd and /etc/group ('' where a file is missing or unreadable). */
export function ownerNames(passwd: string, group: string): OwnerNames {
  const users = firstById(passwd, 6, 2);
  const groups = firstById(group, 4, 2);
  return { user: (uid) => (uid === 0 ? 'root' : users.get(uid) ?? ''), group: (gid) => (gid === 0 ? 'root' : groups.get(gid) ?? '') };
}
