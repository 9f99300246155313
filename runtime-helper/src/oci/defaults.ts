// Docker's defaults for a container's config.json: what `docker run` gives a container that asks
// for nothing special. berthd starts every spec from these, and the conformance suite builds its
// bundles from them, so the runtime is tested with the configs the engine really writes.
import type { OciDevice, OciDeviceCgroupRule, OciMount } from './spec.js';

/** Docker's default capability set: 14 capabilities, none of them administrative. */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/** Paths hidden from the container: files get /dev/null bound over them, directories an empty read-only tmpfs. */
export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/interrupts',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

/** Kernel interfaces the container may read but never write. */
export const DEFAULT_READONLY_PATHS: readonly string[] = [
  '/proc/bus',
  '/proc/fs',
  '/proc/irq',
  '/proc/sys',
  '/proc/sysrq-trigger',
];

/** The filesystems every container gets; /sys and the cgroup tree read-only. */
export function defaultMounts(): OciMount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    {
      destination: '/dev',
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
    },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    {
      destination: '/sys/fs/cgroup',
      type: 'cgroup',
      source: 'cgroup',
      options: ['ro', 'nosuid', 'noexec', 'nodev'],
    },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    {
      destination: '/dev/shm',
      type: 'tmpfs',
      source: 'shm',
      options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'],
    },
  ];
}

/**
 * The device nodes the runtime spec says every Linux container has (a runtime creates them even
 * when linux.devices is empty). Listed so the engine and the tests can name them; they are not
 * written into linux.devices.
 */
export const DEFAULT_DEVICE_NODES: readonly OciDevice[] = [
  { path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o666 },
  { path: '/dev/zero', type: 'c', major: 1, minor: 5, fileMode: 0o666 },
  { path: '/dev/full', type: 'c', major: 1, minor: 7, fileMode: 0o666 },
  { path: '/dev/random', type: 'c', major: 1, minor: 8, fileMode: 0o666 },
  { path: '/dev/urandom', type: 'c', major: 1, minor: 9, fileMode: 0o666 },
  { path: '/dev/tty', type: 'c', major: 5, minor: 0, fileMode: 0o666 },
];

/**
 * Device cgroup rules: deny everything, then allow the default nodes, the console and the
 * container's own ptys; mknod of any node is allowed (creating a node is harmless when opening it
 * is denied). FUSE stays denied as Docker does; that rule comes before the wildcard mknod rules
 * because the v1 devices cgroup cannot punch a hole in a wildcard (runc refuses the config).
 */
export function defaultDeviceCgroupRules(): OciDeviceCgroupRule[] {
  const allow = (
    type: 'c' | 'b',
    major: number | undefined,
    minor: number | undefined,
    access = 'rwm',
  ): OciDeviceCgroupRule => ({
    allow: true,
    type,
    ...(major === undefined ? {} : { major }),
    ...(minor === undefined ? {} : { minor }),
    access,
  });
  return [
    { allow: false, access: 'rwm' },
    { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' }, // fuse
    allow('c', undefined, undefined, 'm'),
    allow('b', undefined, undefined, 'm'),
    allow('c', 1, 3), // null
    allow('c', 1, 5), // zero
    allow('c', 1, 7), // full
    allow('c', 1, 8), // random
    allow('c', 1, 9), // urandom
    allow('c', 5, 0), // tty
    allow('c', 5, 1), // console
    allow('c', 5, 2), // ptmx
    allow('c', 136, undefined), // the pts slaves
  ];
}

/** PATH as Docker sets it when the image sets none. */
export const DEFAULT_PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
