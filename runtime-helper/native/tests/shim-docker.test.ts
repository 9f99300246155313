// berth-shim's json-file log beside Docker's own: a real dockerd runs the same script in the same
// busybox image, and both log files must hold the same records (log text and stream, in order per
// stream) and the same escaping byte for byte; only the timestamps differ.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDockerd, type Dockerd } from '../../../test-support/dockerd.js';
import { busyboxImage } from '../../../test-support/paths.js';
import {
  RFC3339_NANO,
  makeShimBundle,
  readLog,
  runtime,
  startShim,
  waitForExit,
  type LogRecord,
  type ShimBundle,
} from './shim-harness.js';

const run = promisify(execFile);
const IMAGE = 'berth-shim-busybox:test';

// stdout ends without a newline; stderr ends with a 20000-byte line without one (partials at EOF).
const SCRIPT = [
  'echo first',
  'printf \'tab\\there <&> "q" back\\\\slash \\001\\033[1m\\r\\n\'',
  "printf '\\377\\376 bad \\342\\202\\254 \\342\\200\\250 \\355\\240\\200 \\300\\257\\n'",
  "head -c 20000 /dev/zero | tr '\\000' a; echo",
  'echo err-line >&2',
  "head -c 40000 /dev/zero | tr '\\000' b >&2",
  'sleep 0.2',
  "printf 'tail-no-newline'",
].join('; ');

let dockerd: Dockerd | undefined;
const bundles: ShimBundle[] = [];

async function docker(args: string[]): Promise<string> {
  const { stdout } = await run('docker', ['-H', dockerd!.host, ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

function byStream(records: LogRecord[]): Record<string, string[]> {
  return {
    stdout: records.filter((r) => r.stream === 'stdout').map((r) => r.log),
    stderr: records.filter((r) => r.stream === 'stderr').map((r) => r.log),
  };
}

/** The raw lines with the time value blanked, per stream. */
function rawByStream(raw: string): Record<string, string[]> {
  const lines = raw
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.replace(/"time":"[^"]*"/, '"time":""'));
  return {
    stdout: lines.filter((l) => l.includes('"stream":"stdout"')),
    stderr: lines.filter((l) => l.includes('"stream":"stderr"')),
  };
}

beforeAll(async () => {
  dockerd = await startDockerd();
  await docker(['import', busyboxImage().tar, IMAGE]);
}, 120_000);

afterAll(async () => {
  for (const b of bundles.splice(0)) await b.cleanup();
  await dockerd?.stop();
});

describe('berth-shim log vs Docker json-file', () => {
  it('holds the same records with the same escaping as dockerd writes', async () => {
    const name = `berth-shim-cmp-${process.pid}`;
    await docker(['run', '--network', 'none', '--name', name, IMAGE, 'sh', '-c', SCRIPT]);
    const dockerLogPath = (await docker(['inspect', '-f', '{{.LogPath}}', name])).trim();
    const dockerRaw = readFileSync(dockerLogPath, 'utf8');

    const b = makeShimBundle({ args: ['sh', '-c', SCRIPT] });
    bundles.push(b);
    await startShim(b);
    runtime(['start', b.id]);
    expect((await waitForExit(b)).exitCode).toBe(0);
    const ours = readLog(b.logPath);

    const theirs = readLog(dockerLogPath);
    expect(byStream(ours.records)).toEqual(byStream(theirs.records));
    expect(rawByStream(ours.raw)).toEqual(rawByStream(dockerRaw));
    for (const r of [...ours.records, ...theirs.records]) expect(r.time).toMatch(RFC3339_NANO);
    // Docker stamps every piece of a split line with the time of its first piece; so do we.
    for (const records of [theirs.records, ours.records]) {
      for (const letter of ['a', 'b']) {
        const pieces = records.filter((r) => r.log.startsWith(letter.repeat(8)));
        expect(pieces.length).toBe(letter === 'a' ? 2 : 3);
        expect(new Set(pieces.map((r) => r.time)).size).toBe(1);
      }
    }
  });
});
