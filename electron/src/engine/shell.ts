// The default shell for a terminal: the exec user's login shell from the container's /etc/passwd,
// then bash, then sh.
import type Docker from 'dockerode';
import { extract } from 'tar-stream';

export function shellFromPasswd(passwd: string, user: string): string | undefined {
  const wanted = user.split(':')[0] || 'root';
  for (const line of passwd.split('\n')) {
    const f = line.split(':');
    if (f.length < 7) continue;
    if (f[0] === wanted || f[2] === wanted) {
      const shell = (f[6] ?? '').trim();
      if (shell && !/\/(false|nologin)$/.test(shell)) return shell;
      return undefined;
    }
  }
  return undefined;
}

async function readFileFromContainer(docker: Docker, id: string, path: string): Promise<string | undefined> {
  let archive: NodeJS.ReadableStream;
  try {
    archive = (await docker.getContainer(id).getArchive({ path })) as NodeJS.ReadableStream;
  } catch {
    return undefined;
  }
  return new Promise((resolve) => {
    const ex = extract();
    let found: string | undefined;
    ex.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        if (header.type === 'file' && found === undefined) found = Buffer.concat(chunks).toString('utf8');
        next();
      });
    });
    ex.on('finish', () => resolve(found));
    ex.on('error', () => resolve(found));
    archive.pipe(ex);
  });
}

const FALLBACK = ['/bin/sh', '-c', 'if [ -x /bin/bash ]; then exec /bin/bash; else exec /bin/sh; fi'];

export async function defaultShell(docker: Docker, id: string, user?: string): Promise<{ shell: string[]; source: string }> {
  const info = await docker.getContainer(id).inspect();
  const who = user || info.Config.User || 'root';
  const passwd = await readFileFromContainer(docker, id, '/etc/passwd');
  const shell = passwd ? shellFromPasswd(passwd, who) : undefined;
  if (shell) return { shell: [shell], source: `login shell of ${who.split(':')[0]} in /etc/passwd` };
  return { shell: FALLBACK, source: 'bash if present, else sh' };
}
