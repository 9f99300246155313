// `--security-opt seccomp=profile.json`: a profile in Docker's format (the CLI sends the file's
// text), resolved for one container the way dockerd's profiles/seccomp does it: archMap entries
// of the host's architecture, syscall groups kept or dropped by their includes/excludes
// (capabilities, architectures, minimum kernel).
import { release } from 'node:os';
import { z } from 'zod';
import type { OciSeccomp, OciSeccompSyscall } from './spec.js';
import { dockerArch, type Arch } from './seccomp-default.js';

export class SeccompProfileError extends Error {}

const filterSchema = z.object({
  caps: z.array(z.string()).nullish(),
  arches: z.array(z.string()).nullish(),
  minKernel: z.string().nullish(),
}).passthrough();

const argSchema = z.object({
  index: z.number().int().min(0).max(5),
  value: z.number().int().min(0),
  valueTwo: z.number().int().min(0).optional().default(0),
  op: z.enum(['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ']),
});

const actionSchema = z.enum(['SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP', 'SCMP_ACT_ERRNO', 'SCMP_ACT_TRACE', 'SCMP_ACT_ALLOW', 'SCMP_ACT_LOG']);

const profileSchema = z.object({
  defaultAction: actionSchema,
  defaultErrnoRet: z.number().int().min(0).nullish(),
  architectures: z.array(z.string()).nullish(),
  archMap: z.array(z.object({ architecture: z.string(), subArchitectures: z.array(z.string()).nullish() })).nullish(),
  syscalls: z.array(z.object({
    name: z.string().optional(),
    names: z.array(z.string()).nullish(),
    action: actionSchema,
    errnoRet: z.number().int().min(0).nullish(),
    args: z.array(argSchema).nullish(),
    includes: filterSchema.nullish(),
    excludes: filterSchema.nullish(),
  }).passthrough()).nullish(),
  flags: z.array(z.string()).nullish(),
}).passthrough();

/** libseccomp's name of each Docker architecture's native ABI. */
const NATIVE: Record<Arch, string> = {
  amd64: 'SCMP_ARCH_X86_64', x86: 'SCMP_ARCH_X86', arm: 'SCMP_ARCH_ARM', arm64: 'SCMP_ARCH_AARCH64',
  ppc64le: 'SCMP_ARCH_PPC64LE', s390x: 'SCMP_ARCH_S390X', riscv64: 'SCMP_ARCH_RISCV64',
} as Record<Arch, string>;

function kernelAtLeast(kernel: string, min: string): boolean {
  const [a = 0, b = 0] = kernel.split(/[.-]/).map(Number);
  const [x = 0, y = 0] = min.split('.').map(Number);
  return a > x || (a === x && b >= y);
}

export interface ProfileContext { capabilities: readonly string[]; arch?: Arch; kernel?: string }

export function seccompFromDockerProfile(text: string, ctx: ProfileContext): OciSeccomp {
  let json: unknown;
  try { json = JSON.parse(text); } catch (e) { throw new SeccompProfileError(`Decoding seccomp profile failed: ${(e as Error).message}`); }
  const parsed = profileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SeccompProfileError(`Decoding seccomp profile failed: ${issue.path.join('.') || 'profile'}: ${issue.message}`);
  }
  const p = parsed.data;
  const arch = ctx.arch ?? dockerArch();
  const kernel = ctx.kernel ?? release();
  const caps = new Set(ctx.capabilities);
  if (p.architectures?.length && p.archMap?.length) throw new SeccompProfileError("both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'");
  const native = NATIVE[arch];
  const architectures = p.archMap?.length
    ? p.archMap.filter((a) => a.architecture === native).flatMap((a) => [a.architecture, ...(a.subArchitectures ?? [])])
    : [...(p.architectures ?? [])];
  const syscalls: OciSeccompSyscall[] = [];
  for (const call of p.syscalls ?? []) {
    if (call.name && call.names?.length) throw new SeccompProfileError("use either 'name' or 'names'");
    const inc = call.includes;
    const exc = call.excludes;
    if (inc?.arches?.length && !inc.arches.includes(arch)) continue;
    if (inc?.caps?.length && !inc.caps.every((c) => caps.has(c))) continue;
    if (inc?.minKernel && !kernelAtLeast(kernel, inc.minKernel)) continue;
    if (exc?.arches?.length && exc.arches.includes(arch)) continue;
    if (exc?.caps?.length && exc.caps.some((c) => caps.has(c))) continue;
    if (exc?.minKernel && kernelAtLeast(kernel, exc.minKernel)) continue;
    const names = call.name ? [call.name] : [...(call.names ?? [])];
    if (!names.length) continue;
    syscalls.push({
      names, action: call.action,
      ...(call.errnoRet !== undefined && call.errnoRet !== null ? { errnoRet: call.errnoRet } : {}),
      ...(call.args?.length ? { args: call.args.map((a) => ({ index: a.index, value: a.value, valueTwo: a.valueTwo, op: a.op })) } : {}),
    });
  }
  return {
    defaultAction: p.defaultAction,
    ...(p.defaultErrnoRet !== undefined && p.defaultErrnoRet !== null ? { defaultErrnoRet: p.defaultErrnoRet } : {}),
    ...(architectures.length ? { architectures } : {}),
    ...(p.flags?.length ? { flags: p.flags } : {}),
    syscalls,
  };
}
