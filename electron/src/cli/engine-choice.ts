// Which engine the app talks to at start: an explicit --engine, else the local berthd (supervised
// when it is built), else an engine already answering (berthd's socket, DOCKER_HOST, docker.sock).
import { existsSync } from 'node:fs';
import { DEFAULT_BERTHD_HOST } from '../engine/connection.js';
import { pingSocket } from '../supervisor/ping.js';
import { berthdMain } from './paths.js';

export interface EngineChoice { host: string; supervise: boolean; note: string }

export async function chooseEngine(explicit?: string, berthdHost = DEFAULT_BERTHD_HOST): Promise<EngineChoice> {
  if (explicit) return { host: explicit, supervise: false, note: `engine ${explicit} (from --engine)` };
  const berthSock = new URL(berthdHost).pathname;
  if (await pingSocket(berthSock)) return { host: berthdHost, supervise: true, note: `berthd already answering on ${berthSock}` };
  if (existsSync(berthdMain)) return { host: berthdHost, supervise: true, note: `starting berthd (${berthdMain})` };
  const candidates = [process.env.DOCKER_HOST, 'unix:///var/run/docker.sock', `unix:///run/user/${process.getuid?.()}/podman/podman.sock`, 'unix:///run/podman/podman.sock'].filter(Boolean) as string[];
  for (const host of candidates) {
    if (host.startsWith('unix://') && (await pingSocket(new URL(host).pathname))) return { host, supervise: false, note: `berthd is not built yet; using the engine answering on ${host}` };
  }
  return { host: berthdHost, supervise: false, note: 'no engine answers yet: berthd is not built and no Docker/Podman socket responds; the app will show how to connect one' };
}
