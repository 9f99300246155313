// Checks of the run dialog's Advanced values, as the docker CLI checks them before it calls the
// engine (opts.ValidateIPAddress, ValidateDNSSearch, ValidateExtraHost, go-units ParseUlimit),
// with messages in plain words. Pure: the renderer and the API's zod schema both use them.

function isIPv4(s: string): boolean {
  const parts = s.split('.');
  // Go's net.ParseIP refuses leading zeros ("010.0.0.1") since they read as octal elsewhere.
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

function isIPv6(s: string): boolean {
  let text = s;
  // An IPv4 tail ("::ffff:1.2.3.4") stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  if (lastColon < 0) return false;
  if (text.slice(lastColon + 1).includes('.')) {
    if (!isIPv4(text.slice(lastColon + 1))) return false;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (h: string): number => {
    if (h === '') return 0;
    const g = h.split(':');
    return g.every((x) => /^[0-9a-fA-F]{1,4}$/.test(x)) ? g.length : -1;
  };
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : 0;
  if (head < 0 || tail < 0) return false;
  // "::" stands for at least one group of zeros.
  return halves.length === 1 ? head === 8 : head + tail <= 7;
}

export function isIpAddress(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}

/** One --dns value. */
export function dnsServerError(ip: string): string | undefined {
  return isIpAddress(ip) ? undefined : `DNS server '${ip}' is not an IP address (like 1.1.1.1 or 2606:4700::1111)`;
}

const DOMAIN = /^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(\.([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*)\.?$/;

/** One --dns-search value; "." alone means no search domains. */
export function dnsSearchError(domain: string): string | undefined {
  if (domain === '.') return undefined;
  if (domain.length > 255 || !DOMAIN.test(domain)) return `search domain '${domain}' is not a domain name (like example.com)`;
  return undefined;
}

export const HOST_GATEWAY = 'host-gateway';

/** One --add-host entry, given as its name and its address; the API's "name:ip" when both are right. */
export function extraHost(name: string, ip: string): { entry?: string; nameError?: string; ipError?: string } {
  const n = name.trim();
  const a = ip.trim().replace(/^\[(.*)\]$/, '$1');
  const out: { entry?: string; nameError?: string; ipError?: string } = {};
  if (!n) out.nameError = 'extra host: the host name is empty';
  else if (/[\s:=]/.test(n)) out.nameError = `extra host '${n}': a host name has no spaces, : or =`;
  if (!a) out.ipError = `extra host '${n || '?'}': the IP address is empty (an address, or host-gateway for the host)`;
  else if (a !== HOST_GATEWAY && !isIpAddress(a)) out.ipError = `extra host '${n || '?'}': '${a}' is not an IP address (like 10.1.2.3, or host-gateway for the host)`;
  if (!out.nameError && !out.ipError) out.entry = `${n}:${a}`;
  return out;
}

/** The "name:ip" entry the API takes, back into its parts (an IPv6 address keeps its colons). */
export function splitExtraHost(entry: string): { name: string; ip: string } {
  const i = entry.indexOf(':');
  return i < 0 ? { name: entry, ip: '' } : { name: entry.slice(0, i), ip: entry.slice(i + 1) };
}

/** The resources --ulimit knows (go-units). */
export const ULIMIT_NAMES = ['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack'] as const;

/** One --ulimit: soft and hard as typed (hard empty = soft). */
export function ulimit(name: string, soft: string, hard: string): { value?: { name: string; soft: number; hard: number }; error?: string; field?: 'name' | 'soft' | 'hard' } {
  if (!(ULIMIT_NAMES as readonly string[]).includes(name)) return { error: `ulimit '${name}': not a limit the engine knows (${ULIMIT_NAMES.join(', ')})`, field: 'name' };
  const num = (t: string) => (/^\d+$/.test(t.trim()) ? Number(t.trim()) : NaN);
  const s = num(soft);
  if (!Number.isSafeInteger(s)) return { error: `ulimit ${name}: the soft limit '${soft}' is not a whole number`, field: 'soft' };
  const h = hard.trim() === '' ? s : num(hard);
  if (!Number.isSafeInteger(h)) return { error: `ulimit ${name}: the hard limit '${hard}' is not a whole number`, field: 'hard' };
  if (s > h) return { error: `ulimit ${name}: the soft limit (${s}) is above the hard limit (${h}); the soft one can only go up to the hard one`, field: 'soft' };
  return { value: { name, soft: s, hard: h } };
}

/** Linux capabilities by their names without CAP_ (capability.h, up to 6.x). */
export const CAPABILITIES = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP', 'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT',
  'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE', 'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE',
  'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP', 'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ',
  'PERFMON', 'BPF', 'CHECKPOINT_RESTORE',
] as const;

/** A capability as the CLI sends it (CAP_NET_ADMIN; ALL stays ALL), or the reason it is none. */
export function capability(text: string): { cap?: string; error?: string } {
  const up = text.trim().toUpperCase();
  if (up === 'ALL') return { cap: 'ALL' };
  const bare = up.replace(/^CAP_/, '');
  if (!(CAPABILITIES as readonly string[]).includes(bare)) return { error: `capability '${text.trim()}' is not a Linux capability (like NET_ADMIN or SYS_PTRACE, or ALL)` };
  return { cap: `CAP_${bare}` };
}

/** Words of a list typed with commas or spaces. */
export function listWords(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}
