// Docker's default seccomp profile as data (derived from moby's profiles/seccomp/default.json):
// an allow-list where anything else fails with EPERM, some calls allowed only with a capability
// or on an architecture, and clone3 failing with ENOSYS so libc falls back to clone (whose flags
// the profile can inspect). defaultSeccompProfile() resolves the conditions for one container.
import { release } from 'node:os';
import type { OciSeccomp, OciSeccompArg, OciSeccompSyscall } from './spec.js';

const EPERM = 1;
const ENOSYS = 38;

/** Allowed for every container. */
const ALWAYS_ALLOWED = `
accept accept4 access adjtimex alarm bind brk capget capset chdir chmod chown chown32
clock_adjtime clock_adjtime64 clock_getres clock_getres_time64 clock_gettime clock_gettime64
clock_nanosleep clock_nanosleep_time64 close close_range connect copy_file_range creat dup dup2 dup3
epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait epoll_wait_old
eventfd eventfd2 execve execveat exit exit_group faccessat faccessat2 fadvise64 fadvise64_64 fallocate
fanotify_mark fchdir fchmod fchmodat fchown fchown32 fchownat fcntl fcntl64 fdatasync fgetxattr
flistxattr flock fork fremovexattr fsetxattr fstat fstat64 fstatat64 fstatfs fstatfs64 fsync ftruncate
ftruncate64 futex futex_time64 futex_waitv futimesat getcpu getcwd getdents getdents64 getegid getegid32
geteuid geteuid32 getgid getgid32 getgroups getgroups32 getitimer getpeername getpgid getpgrp getpid
getppid getpriority getrandom getresgid getresgid32 getresuid getresuid32 getrlimit get_robust_list
getrusage getsid getsockname getsockopt get_thread_area gettid gettimeofday getuid getuid32 getxattr
inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_cancel ioctl io_destroy io_getevents
io_pgetevents io_pgetevents_time64 ioprio_get ioprio_set io_setup io_submit io_uring_enter
io_uring_register io_uring_setup ipc kill landlock_add_rule landlock_create_ruleset
landlock_restrict_self lchown lchown32 lgetxattr link linkat listen listxattr llistxattr _llseek
lremovexattr lseek lsetxattr lstat lstat64 madvise membarrier memfd_create memfd_secret mincore mkdir
mkdirat mknod mknodat mlock mlock2 mlockall mmap mmap2 mprotect mq_getsetattr mq_notify mq_open
mq_timedreceive mq_timedreceive_time64 mq_timedsend mq_timedsend_time64 mq_unlink mremap msgctl msgget
msgrcv msgsnd msync munlock munlockall munmap name_to_handle_at nanosleep newfstatat _newselect open
openat openat2 pause pidfd_open pidfd_send_signal pipe pipe2 pkey_alloc pkey_free pkey_mprotect poll
ppoll ppoll_time64 prctl pread64 preadv preadv2 prlimit64 process_mrelease pselect6 pselect6_time64
pwrite64 pwritev pwritev2 read readahead readlink readlinkat readv recv recvfrom recvmmsg
recvmmsg_time64 recvmsg remap_file_pages removexattr rename renameat renameat2 restart_syscall rmdir
rseq rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend
rt_sigtimedwait rt_sigtimedwait_time64 rt_tgsigqueueinfo sched_getaffinity sched_getattr
sched_getparam sched_get_priority_max sched_get_priority_min sched_getscheduler sched_rr_get_interval
sched_rr_get_interval_time64 sched_setaffinity sched_setattr sched_setparam sched_setscheduler
sched_yield seccomp select semctl semget semop semtimedop semtimedop_time64 send sendfile sendfile64
sendmmsg sendmsg sendto setfsgid setfsgid32 setfsuid setfsuid32 setgid setgid32 setgroups setgroups32
setitimer setpgid setpriority setregid setregid32 setresgid setresgid32 setresuid setresuid32 setreuid
setreuid32 setrlimit set_robust_list setsid setsockopt set_thread_area set_tid_address setuid setuid32
setxattr shmat shmctl shmdt shmget shutdown sigaltstack signalfd signalfd4 sigprocmask sigreturn
socketcall socketpair splice stat stat64 statfs statfs64 statx symlink symlinkat sync sync_file_range
syncfs sysinfo tee tgkill time timer_create timer_delete timer_getoverrun timer_gettime timer_gettime64
timer_settime timer_settime64 timerfd_create timerfd_gettime timerfd_gettime64 timerfd_settime
timerfd_settime64 times tkill truncate truncate64 ugetrlimit umask uname unlink unlinkat utime
utimensat utimensat_time64 utimes vfork vmsplice wait4 waitid waitpid write writev
`
  .split(/\s+/)
  .filter(Boolean);

/** Docker's architecture names (Go's GOARCH). */
export type Arch =
  | 'amd64'
  | 'x32'
  | 'x86'
  | 'arm'
  | 'arm64'
  | 'ppc64le'
  | 's390'
  | 's390x'
  | 'riscv64'
  | 'mips64'
  | 'mips64le';

interface Condition {
  caps?: string[];
  arches?: Arch[];
  /** "major.minor" */
  minKernel?: string;
}

interface ConditionalRule {
  names: string[];
  action: 'SCMP_ACT_ALLOW' | 'SCMP_ACT_ERRNO';
  errnoRet?: number;
  args?: OciSeccompArg[];
  /** Applies only when every listed condition holds (any cap of the list, any arch of the list). */
  includes?: Condition;
  /** Dropped when any listed condition holds. */
  excludes?: Condition;
}

// The clone flags a container may not use without CAP_SYS_ADMIN: every CLONE_NEW* namespace flag.
const CLONE_NAMESPACE_FLAGS = 0x7e020000;
const personality = (value: number): ConditionalRule => ({
  names: ['personality'],
  action: 'SCMP_ACT_ALLOW',
  args: [{ index: 0, value, op: 'SCMP_CMP_EQ' }],
});
const withCap = (cap: string, names: string[]): ConditionalRule => ({
  names,
  action: 'SCMP_ACT_ALLOW',
  includes: { caps: [cap] },
});
const onArch = (arches: Arch[], names: string[]): ConditionalRule => ({
  names,
  action: 'SCMP_ACT_ALLOW',
  includes: { arches },
});

const CONDITIONAL_RULES: readonly ConditionalRule[] = [
  {
    names: ['process_vm_readv', 'process_vm_writev', 'ptrace'],
    action: 'SCMP_ACT_ALLOW',
    includes: { minKernel: '4.8' },
  },
  // AF_VSOCK (40) sockets stay closed.
  { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }] },
  personality(0x0),
  personality(0x8),
  personality(0x20000),
  personality(0x20008),
  personality(0xffffffff),
  onArch(['ppc64le'], ['sync_file_range2', 'swapcontext']),
  onArch(
    ['arm', 'arm64'],
    ['arm_fadvise64_64', 'arm_sync_file_range', 'sync_file_range2', 'breakpoint', 'cacheflush', 'set_tls'],
  ),
  onArch(['amd64', 'x32'], ['arch_prctl']),
  onArch(['amd64', 'x32', 'x86'], ['modify_ldt']),
  onArch(['s390', 's390x'], ['s390_pci_mmio_read', 's390_pci_mmio_write', 's390_runtime_instr']),
  onArch(['riscv64'], ['riscv_flush_icache']),
  withCap('CAP_DAC_READ_SEARCH', ['open_by_handle_at']),
  withCap('CAP_SYS_ADMIN', [
    'bpf',
    'clone',
    'clone3',
    'fanotify_init',
    'fsconfig',
    'fsmount',
    'fsopen',
    'fspick',
    'lookup_dcookie',
    'mount',
    'mount_setattr',
    'move_mount',
    'open_tree',
    'perf_event_open',
    'quotactl',
    'quotactl_fd',
    'setdomainname',
    'sethostname',
    'setns',
    'syslog',
    'umount',
    'umount2',
    'unshare',
  ]),
  {
    names: ['clone'],
    action: 'SCMP_ACT_ALLOW',
    args: [{ index: 0, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
    excludes: { caps: ['CAP_SYS_ADMIN'], arches: ['s390', 's390x'] },
  },
  {
    names: ['clone'],
    action: 'SCMP_ACT_ALLOW',
    args: [{ index: 1, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
    includes: { arches: ['s390', 's390x'] },
    excludes: { caps: ['CAP_SYS_ADMIN'] },
  },
  // clone3 passes its flags in a struct seccomp cannot read: make libc fall back to clone.
  { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS, excludes: { caps: ['CAP_SYS_ADMIN'] } },
  withCap('CAP_SYS_BOOT', ['reboot']),
  withCap('CAP_SYS_CHROOT', ['chroot']),
  withCap('CAP_SYS_MODULE', ['delete_module', 'init_module', 'finit_module']),
  withCap('CAP_SYS_PACCT', ['acct']),
  withCap('CAP_SYS_PTRACE', [
    'kcmp',
    'pidfd_getfd',
    'process_madvise',
    'process_vm_readv',
    'process_vm_writev',
    'ptrace',
  ]),
  withCap('CAP_SYS_RAWIO', ['iopl', 'ioperm']),
  withCap('CAP_SYS_TIME', ['settimeofday', 'stime', 'clock_settime', 'clock_settime64']),
  withCap('CAP_SYS_TTY_CONFIG', ['vhangup']),
  withCap('CAP_SYS_NICE', ['get_mempolicy', 'mbind', 'set_mempolicy', 'set_mempolicy_home_node']),
  withCap('CAP_SYSLOG', ['syslog']),
  withCap('CAP_BPF', ['bpf']),
  withCap('CAP_PERFMON', ['perf_event_open']),
];

/** The seccomp architectures a native process of each Docker arch may use. */
const SECCOMP_ARCHES: Partial<Record<Arch, string[]>> = {
  amd64: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
  arm64: ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'],
  s390x: ['SCMP_ARCH_S390X', 'SCMP_ARCH_S390'],
  riscv64: ['SCMP_ARCH_RISCV64'],
  ppc64le: ['SCMP_ARCH_PPC64LE'],
};

/** Node's process.arch in Docker's words. */
export function dockerArch(nodeArch: string = process.arch): Arch {
  const map: Record<string, Arch> = {
    x64: 'amd64',
    ia32: 'x86',
    arm: 'arm',
    arm64: 'arm64',
    ppc64: 'ppc64le',
    s390x: 's390x',
    riscv64: 'riscv64',
  };
  return map[nodeArch] ?? 'amd64';
}

function kernelAtLeast(kernel: string, min: string): boolean {
  const [a = 0, b = 0] = kernel.split(/[.-]/).map(Number);
  const [x = 0, y = 0] = min.split('.').map(Number);
  return a > x || (a === x && b >= y);
}

export interface SeccompContext {
  /** The container's effective capability set. */
  capabilities: readonly string[];
  arch?: Arch;
  /** The running kernel's release, e.g. "6.1.0-18-amd64". */
  kernel?: string;
}

/** Docker's default profile, resolved for one container's capabilities, architecture and kernel. */
export function defaultSeccompProfile(ctx: SeccompContext): OciSeccomp {
  const arch = ctx.arch ?? dockerArch();
  const kernel = ctx.kernel ?? release();
  const caps = new Set(ctx.capabilities);
  // Each condition kind that is present: some listed cap is held / the arch is listed / the kernel is new enough.
  const checks = (c: Condition): boolean[] => [
    ...(c.caps ? [c.caps.some((cap) => caps.has(cap))] : []),
    ...(c.arches ? [c.arches.includes(arch)] : []),
    ...(c.minKernel ? [kernelAtLeast(kernel, c.minKernel)] : []),
  ];
  const syscalls: OciSeccompSyscall[] = [{ names: [...ALWAYS_ALLOWED], action: 'SCMP_ACT_ALLOW' }];
  for (const rule of CONDITIONAL_RULES) {
    if (rule.includes && !checks(rule.includes).every(Boolean)) continue;
    if (rule.excludes && checks(rule.excludes).some(Boolean)) continue;
    syscalls.push({
      names: [...rule.names],
      action: rule.action,
      ...(rule.errnoRet !== undefined ? { errnoRet: rule.errnoRet } : {}),
      ...(rule.args ? { args: rule.args.map((a) => ({ ...a })) } : {}),
    });
  }
  return {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: EPERM,
    architectures: [...(SECCOMP_ARCHES[arch] ?? [])],
    syscalls,
  };
}
