// POST /containers/{id}/attach, hijacked, the way the docker CLI sends it: options in the query
// and no body. dockerode's container.attach() also sends its options as a JSON body; dockerd
// ignores it, but podman 4.3 hands those bytes to the container's stdin, so a shell attached
// through podman first ran `{"stream":true,"stdin":true,...}` and said "not found".
import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';

export function attachStream(docker: Docker, id: string): Promise<Duplex> {
  const modem = docker.modem as unknown as { headers?: Record<string, string>; dial(options: object, cb: (err: Error | null, stream: Duplex) => void): void };
  return new Promise((resolve, reject) =>
    modem.dial(
      {
        path: `/containers/${encodeURIComponent(id)}/attach?`,
        method: 'POST',
        isStream: true,
        hijack: true,
        // An empty buffer as the body: Content-Length 0, and the request ends at once (the
        // stream that comes back is the upgraded connection, written to as stdin).
        file: Buffer.alloc(0),
        openStdin: false,
        headers: { ...(modem.headers ?? {}), 'Content-Type': 'text/plain' },
        options: { _query: { stream: true, stdin: true, stdout: true, stderr: true } },
        statusCodes: { 101: true, 200: true, 404: 'no such container', 409: 'container is paused or not running', 500: 'server error' },
      },
      (err, stream) => (err ? reject(err) : resolve(stream)),
    ),
  );
}
