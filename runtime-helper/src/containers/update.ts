// `docker update`: new limits written to the live cgroup at once (through the runtime's update
// verb), then recorded in the container's HostConfig.
import { readFileSync } from 'node:fs';
import type { ContainerManager } from './manager.js';
import type { DockerResources, DockerHostConfig } from './docker-types.js';
import { resourcesFromDocker, InvalidConfigError } from '../oci/from-docker-config.js';
import { swapLimitSupported } from './host-features.js';
import { invalid } from './errors.js';
import { validateRestartPolicy } from './restart-policy.js';

type UpdateBody = Partial<DockerResources> & { RestartPolicy?: DockerHostConfig['RestartPolicy'] };

function memoryUsage(cgroupsPath: string): number | null {
  for (const file of [`/sys/fs/cgroup/memory${cgroupsPath}/memory.usage_in_bytes`, `/sys/fs/cgroup${cgroupsPath}/memory.current`]) {
    try { return Number(readFileSync(file, 'utf8').trim()); } catch { /* other layout */ }
  }
  return null;
}

export async function updateContainer(manager: ContainerManager, ref: string, body: UpdateBody): Promise<string[]> {
  const c = manager.get(ref);
  const r = c.record;
  const hc = r.HostConfig;
  if (body.RestartPolicy && body.RestartPolicy.Name) {
    validateRestartPolicy(body.RestartPolicy);
    if (hc.AutoRemove && body.RestartPolicy.Name !== 'no') throw invalid('Cannot update container: restart policy cannot be updated because AutoRemove is enabled for the container');
  }
  const next: Partial<DockerResources> = {};
  for (const key of ['Memory', 'MemoryReservation', 'MemorySwap', 'CpuShares', 'CpuQuota', 'CpuPeriod', 'NanoCpus', 'CpusetCpus', 'CpusetMems', 'PidsLimit', 'BlkioWeight'] as const) {
    const v = body[key];
    if (v !== undefined && v !== null && v !== 0 && v !== '') (next as Record<string, unknown>)[key] = v;
  }
  if (next.Memory && !next.MemorySwap) next.MemorySwap = hc.MemorySwap === -1 ? -1 : next.Memory * 2;
  let resources;
  try {
    resources = resourcesFromDocker({ ...next, Memory: next.Memory ?? (next.MemorySwap ? hc.Memory : 0) }, swapLimitSupported());
  } catch (e) {
    if (e instanceof InvalidConfigError) throw invalid(`Cannot update container ${r.Id}: ${e.message}`);
    throw e;
  }
  if (r.State.Running && next.Memory) {
    const usage = memoryUsage(manager.cgroupsPath(r.Id));
    if (usage !== null && next.Memory < usage) {
      throw invalid(`Cannot update container ${r.Id}: memory limit ${next.Memory} is below the container's current memory usage ${usage}; stop it or free memory first`);
    }
  }
  if (r.State.Running && Object.keys(resources).length) {
    // Raising memory above the old memory+swap limit needs swap first; lowering needs memory first.
    try {
      await manager.runtime(r.Runtime).update(r.Id, resources);
    } catch (e) {
      throw invalid(`Cannot update container ${r.Id}: ${(e as Error).message}`);
    }
  }
  Object.assign(hc, next);
  if (next.NanoCpus) { hc.CpuQuota = 0; hc.CpuPeriod = 0; }
  if (body.RestartPolicy && body.RestartPolicy.Name !== undefined && body.RestartPolicy.Name !== '') hc.RestartPolicy = body.RestartPolicy;
  manager.save(c);
  manager.emit(r, 'update');
  return [];
}
