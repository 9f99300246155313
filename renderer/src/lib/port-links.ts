// A container's published ports ("0.0.0.0:8080->80/tcp", ":::8080->80/tcp", "80/tcp" as the
// engine layer writes them) as what a person opens: one entry per host port, with a URL for
// TCP ones (a port on every address, or on loopback, is opened as localhost).
export interface PortLink {
  /** "8080→80/tcp", or "80/tcp" for a port exposed but not published. */
  label: string;
  /** For a published TCP port. */
  url?: string;
}

export function portLinks(ports: readonly string[]): PortLink[] {
  const out: PortLink[] = [];
  const seen = new Set<string>();
  for (const p of ports) {
    const m = /^(?:(.*):(\d+)->)?(\d+)\/(tcp|udp|sctp)$/.exec(p);
    if (!m) continue;
    const [, ip, hostPort, port, proto] = m;
    const key = hostPort ? `${hostPort}/${proto}` : `-${port}/${proto}`;
    if (seen.has(key)) continue; // the same port on IPv4 and IPv6
    seen.add(key);
    if (!hostPort) { out.push({ label: `${port}/${proto}` }); continue; }
    const anyOrLoopback = !ip || ip === '0.0.0.0' || ip === '::' || ip === '' || ip.startsWith('127.') || ip === '::1';
    const host = anyOrLoopback ? 'localhost' : ip!.includes(':') ? `[${ip}]` : ip!;
    out.push({ label: `${hostPort}→${port}/${proto}`, ...(proto === 'tcp' ? { url: `http://${host}:${hostPort}/` } : {}) });
  }
  return out;
}
