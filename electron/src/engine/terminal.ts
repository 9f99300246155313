// Terminal sessions: exec (created with the terminal's size) or attach, bytes in both directions,
// resize, exit code, and watermark flow control: the engine stream is paused while the client has
// more than FLOW_HIGH_WATERMARK unacknowledged bytes and resumed under FLOW_LOW_WATERMARK.
import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import { FLOW_HIGH_WATERMARK, FLOW_LOW_WATERMARK } from '../shared/contract.js';
import type { TerminalExit, TerminalStatus } from '../shared/contract.js';
import { attachStream } from './attach.js';
import { ByteBatcher } from './byte-batcher.js';
import { FrameDemuxer } from './docker-frames.js';
import { engineError } from './errors.js';
import { defaultShell } from './shell.js';
import type { StreamControl, StreamSink } from './stream-types.js';

export interface TerminalParams { id: string; mode: 'exec' | 'attach'; cmd?: string[] | undefined; user?: string | undefined; cols: number; rows: number }

/** Byte accounting between a pausable source and an acknowledging consumer. */
export class FlowGate {
  private unacked = 0;
  paused = false;
  constructor(private readonly pause: () => void, private readonly resume: () => void, private readonly high = FLOW_HIGH_WATERMARK, private readonly low = FLOW_LOW_WATERMARK) {}
  sent(n: number): void {
    this.unacked += n;
    if (!this.paused && this.unacked > this.high) { this.paused = true; this.pause(); }
  }
  acked(n: number): void {
    this.unacked = Math.max(0, this.unacked - n);
    if (this.paused && this.unacked < this.low) { this.paused = false; this.resume(); }
  }
  get outstanding(): number { return this.unacked; }
}

export async function openTerminal(docker: Docker, p: TerminalParams, sink: StreamSink<TerminalStatus | TerminalExit>): Promise<StreamControl> {
  const container = docker.getContainer(p.id);
  const info = await container.inspect();
  if (!info.State.Running) throw new Error(`container ${info.Name.replace(/^\//, '')} is not running (${info.State.Status}): start it first`);
  const cols = Math.max(1, Math.floor(p.cols));
  const rows = Math.max(1, Math.floor(p.rows));
  let stream: Duplex;
  let resize: (cols: number, rows: number) => Promise<unknown>;
  let exitCode: () => Promise<number | null>;
  let tty = true;
  let shell: string[] = [];
  if (p.mode === 'exec') {
    shell = p.cmd?.length ? p.cmd : (await defaultShell(docker, p.id, p.user)).shell;
    const exec = await container.exec({
      Cmd: shell, User: p.user || undefined, AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true,
      Env: ['TERM=xterm-256color', `COLUMNS=${cols}`, `LINES=${rows}`],
      ConsoleSize: [rows, cols],
    } as Docker.ExecCreateOptions);
    stream = (await exec.start({ hijack: true, stdin: true, Tty: true, ConsoleSize: [rows, cols] } as Docker.ExecStartOptions)) as Duplex;
    resize = (c, r) => exec.resize({ w: c, h: r });
    // Engines before API 1.42 ignore ConsoleSize: size it right after start as well.
    await resize(cols, rows).catch(() => {});
    exitCode = async () => {
      for (let i = 0; i < 20; i++) {
        const s = (await exec.inspect()) as { Running: boolean; ExitCode: number | null };
        if (!s.Running) return s.ExitCode;
        await new Promise((r) => setTimeout(r, 50));
      }
      return null;
    };
    sink.data({ kind: 'started', execId: exec.id, shell });
  } else {
    tty = Boolean(info.Config.Tty);
    stream = await attachStream(docker, p.id);
    resize = (c, r) => container.resize({ w: c, h: r });
    if (tty) await resize(cols, rows).catch(() => {});
    exitCode = async () => {
      const s = await container.inspect();
      return s.State.Running ? null : s.State.ExitCode;
    };
    sink.data({ kind: 'started', shell: [info.Path, ...info.Args] });
  }
  const gate = new FlowGate(() => stream.pause(), () => stream.resume());
  const batch = new ByteBatcher((bytes) => sink.bytes(bytes));
  const demux = new FrameDemuxer((_k, payload) => { gate.sent(payload.length); batch.push(payload); });
  stream.on('data', (chunk: Buffer) => {
    if (tty) { gate.sent(chunk.length); batch.push(chunk); } else demux.push(chunk);
  });
  let ended = false;
  const finish = async () => {
    if (ended) return;
    ended = true;
    batch.flush();
    const code = await exitCode().catch(() => null);
    sink.data({ kind: 'exit', exitCode: code });
    sink.end();
  };
  stream.on('end', () => void finish());
  stream.on('close', () => void finish());
  stream.on('error', (err) => { if (!ended) { ended = true; batch.flush(); sink.end(engineError(`terminal on ${p.id.slice(0, 12)}`, err)); } });
  return {
    close: () => { ended = true; batch.discard(); stream.destroy(); },
    input: (data) => { stream.write(data); },
    resize: (c, r) => { void resize(Math.max(1, c), Math.max(1, r)).catch(() => {}); },
    ack: (n) => gate.acked(n),
  };
}
