// Why this user cannot open berthd's socket, in words: berthd makes it root:<group> 0660, so only
// members of that group (and root) may connect.
import { readFileSync, statSync } from 'node:fs';

function groupName(gid: number): string {
  try {
    const line = readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.split(':')[2] === String(gid));
    if (line) return line.split(':')[0] as string;
  } catch { /* fall through to the number */ }
  return String(gid);
}

export function socketAccessHelp(socketPath: string): string {
  let owner = '';
  try {
    const st = statSync(socketPath);
    owner = ` (group ${groupName(st.gid)}, mode ${(st.mode & 0o777).toString(8)})`;
  } catch { /* the socket went away: say what we can */ }
  const group = owner ? owner.slice(8, owner.indexOf(',')) : 'berth';
  const user = process.env.USER ?? process.env.LOGNAME ?? `uid ${process.getuid?.()}`;
  return `berthd's socket ${socketPath}${owner} is not open to ${user}: add the user to group ${group} (usermod -aG ${group} ${user}), log in again, then Restart engine`;
}
