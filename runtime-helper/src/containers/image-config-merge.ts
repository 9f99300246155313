// The Docker image-config merge at create: user settings win; Cmd/Entrypoint inherit together.
import type { DockerCreateBody, DockerConfig, ImageRunConfig } from './docker-types.js';
import { mergeHealthcheck } from './health/health-config.js';

export function mergeImageConfig(body: DockerCreateBody, image: ImageRunConfig): DockerConfig {
  const { HostConfig: _hc, NetworkingConfig: _nc, ...config } = body;
  void _hc; void _nc;
  const merged: DockerConfig = { ...config };
  if (!merged.Entrypoint || merged.Entrypoint.length === 0) {
    if (!merged.Cmd || merged.Cmd.length === 0) merged.Cmd = image.Cmd ?? null;
    if (merged.Entrypoint === undefined || merged.Entrypoint === null) merged.Entrypoint = image.Entrypoint ?? null;
  }
  const env = [...(image.Env ?? [])];
  for (const e of merged.Env ?? []) {
    const key = e.split('=')[0];
    const i = env.findIndex((x) => x.split('=')[0] === key);
    if (i >= 0) env[i] = e; else env.push(e);
  }
  // dockerd keeps no-env and no-volume configs as null (inspect shows null, templates <nil>).
  merged.Env = env.length ? env : null;
  if (merged.Volumes && Object.keys(merged.Volumes).length === 0) merged.Volumes = null;
  if (!merged.WorkingDir) merged.WorkingDir = image.WorkingDir ?? '';
  if (!merged.User) merged.User = image.User ?? '';
  if (!merged.StopSignal && image.StopSignal) merged.StopSignal = image.StopSignal;
  merged.Labels = { ...(image.Labels ?? {}), ...(merged.Labels ?? {}) };
  if (!merged.Hostname) merged.Hostname = '';
  const health = mergeHealthcheck(merged.Healthcheck, image.Healthcheck);
  if (health) merged.Healthcheck = health; else delete merged.Healthcheck;
  return merged;
}
