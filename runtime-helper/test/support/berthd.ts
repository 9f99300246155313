// Starts the real berthd (the compiled dist/main.js) on a temp socket and data root, and runs the
// real docker CLI against it.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { repoRoot } from '../../../test-support/paths.js';

export const berthdMain = resolve(repoRoot, 'runtime-helper/dist/main.js');
export const dockerCli = '/usr/local/bin/docker';

export interface Berthd {
  dir: string;
  socket: string;
  host: string;
  dataRoot: string;
  logFile: string;
  child: ChildProcess;
  /** Runs the docker CLI; resolves with stdout, rejects with stderr in the message. */
  docker(args: string[], opts?: { input?: Buffer | string }): Promise<string>;
  /** Runs the docker CLI and returns exit code and output without throwing. */
  dockerResult(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  request(method: string, path: string, body?: Buffer | string, headers?: Record<string, string>): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>;
  log(): string;
  stop(): Promise<number | null>;
}

/** Builds the TypeScript once per test run if dist is missing or stale is not our business: setup.sh builds it. */
export function ensureBuilt(): void {
  if (!existsSync(berthdMain)) execFileSync('npx', ['tsc', '-b', 'runtime-helper'], { cwd: repoRoot, stdio: 'inherit' });
}

export function runDocker(host: string, args: string[], input?: Buffer | string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    const child = execFile(dockerCli, args, { env: { ...process.env, DOCKER_HOST: host, DOCKER_CONFIG: join(tmpdir(), 'berth-test-docker-config') }, maxBuffer: 512 * 1024 * 1024, encoding: 'buffer' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolvePromise({ code, stdout: stdout.toString(), stderr: stderr.toString() });
    });
    if (input !== undefined) child.stdin?.end(input); else child.stdin?.end();
  });
}

export function httpRequest(socket: string, method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolvePromise, reject) => {
    const req = http.request({ socketPath: socket, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function startBerthd(extraArgs: string[] = []): Promise<Berthd> {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'berthd-test-'));
  const socket = join(dir, 'run', 'berth.sock');
  const dataRoot = join(dir, 'data');
  const logFile = join(dir, 'berthd.log');
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [berthdMain, '-H', `unix://${socket}`, '--data-root', dataRoot, '--pidfile', join(dir, 'berthd.pid'), ...extraArgs], { stdio: ['ignore', out, out] });
  const host = `unix://${socket}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`berthd exited with ${child.exitCode}: ${readFileSync(logFile, 'utf8')}`);
    if (existsSync(socket)) {
      try { if ((await httpRequest(socket, 'GET', '/_ping')).status === 200) break; } catch { /* not yet */ }
    }
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`berthd did not answer within 30s: ${readFileSync(logFile, 'utf8')}`); }
    await sleep(50);
  }
  return {
    dir, socket, host, dataRoot, logFile, child,
    async docker(args, opts) {
      const r = await runDocker(host, args, opts?.input);
      if (r.code !== 0) throw new Error(`docker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      return r.stdout;
    },
    dockerResult: (args) => runDocker(host, args),
    request: (method, path, body, headers) => httpRequest(socket, method, path, body, headers),
    log: () => readFileSync(logFile, 'utf8'),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const until = Date.now() + 15_000;
        while (child.exitCode === null && child.signalCode === null && Date.now() < until) await sleep(50);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      // Snapshots may still be mounted if a test failed midway.
      try {
        for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
          const mp = line.split(' ')[4];
          if (mp && mp.startsWith(dir)) execFileSync('umount', ['-l', mp]);
        }
      } catch { /* nothing mounted */ }
      const code = child.exitCode;
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      return code;
    },
  };
}
