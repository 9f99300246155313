// GET /_ping on an engine's unix socket: the liveness check for berthd. probeSocket also says
// why a ping failed, so a socket that exists but is closed to this user (EACCES: the app is not
// in the socket's group) is told apart from one that is not there yet.
import { request } from 'node:http';

export type Probe = { ok: true } | { ok: false; code: string };

export function probeSocket(socketPath: string, timeoutMs = 1000): Promise<Probe> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? { ok: true } : { ok: false, code: `HTTP ${res.statusCode}` });
    });
    req.on('timeout', () => { req.destroy(); resolve({ ok: false, code: 'ETIMEDOUT' }); });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, code: err.code ?? err.message }));
    req.end();
  });
}

export async function pingSocket(socketPath: string, timeoutMs = 1000): Promise<boolean> {
  return (await probeSocket(socketPath, timeoutMs)).ok;
}
