// Facts about this host the spec translation needs, read once.
import { existsSync, readFileSync } from 'node:fs';

const capNames = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP', 'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT',
  'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE', 'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE',
  'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP', 'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ',
  'PERFMON', 'BPF', 'CHECKPOINT_RESTORE',
];

let caps: string[] | undefined;

/** The capabilities in berthd's bounding set (what --privileged gives a container). */
export function hostCapabilities(): string[] {
  if (caps) return caps;
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('CapBnd:')) ?? 'CapBnd: 0';
  const mask = BigInt(`0x${line.split(/\s+/)[1]}`);
  caps = capNames.filter((_n, i) => (mask >> BigInt(i)) & 1n).map((n) => `CAP_${n}`);
  return caps;
}

/** Whether memory+swap limits can be set (cgroup v1 memsw files, or v2 memory.swap.max). */
export function swapLimitSupported(): boolean {
  return existsSync('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes') || existsSync('/sys/fs/cgroup/unified/memory.swap.max') || existsSync('/sys/fs/cgroup/memory.swap.max');
}
