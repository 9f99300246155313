// The tray's label when berthd fails: the supervisor's reason, shortened to one line. The failure
// is a real one (a supervisor whose pkexec refuses, run as a script); the label is what main.ts
// gives both the tray's tooltip and its first menu item.
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SupervisorState } from '../shared/contract.js';
import { BerthdSupervisor } from '../supervisor/supervisor.js';
import { socketAccessHelp } from '../supervisor/socket-access.js';
import { REASON_MAX, shortReason, trayLabel } from './menu.js';

const dirs: string[] = [];
const sups: BerthdSupervisor[] = [];
afterEach(async () => {
  for (const s of sups.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'berth-menu-'));
  dirs.push(d);
  return d;
}

function script(dir: string, name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

function failed(message?: string): SupervisorState {
  return { phase: 'failed', restarts: 0, message };
}

describe('tray label', () => {
  it('shows why a real supervisor failed (pkexec refused)', async () => {
    const dir = tempDir();
    const sup = new BerthdSupervisor({
      socketPath: join(dir, 'd.sock'), command: process.execPath, args: [], uid: 1000,
      launcher: script(dir, 'launch', 'exit 0'),
      pkexec: script(dir, 'pkexec', 'echo "Error executing command as another user: Not authorized" >&2; exit 127'),
    });
    sups.push(sup);
    const state = new Promise<SupervisorState>((resolve) => sup.on('state', (s) => { if (s.phase === 'failed') resolve(s); }));
    await sup.start();
    const s = await state;
    const label = trayLabel(s);
    expect(label.startsWith('Berth: berthd failed: pkexec did not start berthd: polkit does not allow this user')).toBe(true);
    expect(label.length).toBeLessThanOrEqual('Berth: berthd failed: '.length + REASON_MAX);
    expect(label.endsWith('…')).toBe(true);
    // What was cut is the end of the message, at a word boundary.
    const shown = label.slice('Berth: berthd failed: '.length, -1);
    expect(s.message!.startsWith(shown)).toBe(true);
    expect(s.message![shown.length]).toMatch(/[\s,;:(]/);
  });

  it('keeps a short reason whole', () => {
    expect(trayLabel(failed('spawn /usr/bin/node: ENOENT'))).toBe('Berth: berthd failed: spawn /usr/bin/node: ENOENT');
  });

  it('says only "failed" when there is no reason', () => {
    expect(trayLabel(failed())).toBe('Berth: berthd failed');
    expect(trayLabel(failed('  \n '))).toBe('Berth: berthd failed');
  });

  it('shortens the socket-permission help to one line within the limit', () => {
    const help = socketAccessHelp('/run/berth/not-there.sock');
    expect(help.length).toBeGreaterThan(REASON_MAX);
    const r = shortReason(help);
    expect(r.length).toBeLessThanOrEqual(REASON_MAX);
    expect(r.endsWith('…')).toBe(true);
    expect(help.startsWith(r.slice(0, -1))).toBe(true);
  });

  it('takes the first line of a multi-line message and marks the rest as left out', () => {
    expect(shortReason('\n  berthd exited   (code 1)\nstack line 1\nstack line 2')).toBe('berthd exited (code 1)…');
  });

  it('cuts one long word (a path) inside it rather than showing nothing', () => {
    const path = `/var/lib/${'x'.repeat(200)}`;
    const r = shortReason(`${path} is not writable`);
    expect(r).toBe(`${path.slice(0, REASON_MAX - 1)}…`);
  });

  it('leaves the other phases as they were', () => {
    expect(trayLabel({ phase: 'running', pid: 42, restarts: 0, message: 'berthd pid 42 answers /_ping' })).toBe('Berth: berthd running (pid 42)');
    expect(trayLabel({ phase: 'stopped', restarts: 0, message: 'stopped' })).toBe('Berth: berthd stopped');
    expect(trayLabel(undefined)).toBe('Berth: engine not managed by the app');
  });
});
