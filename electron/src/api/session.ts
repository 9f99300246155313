// One client's API session: validates messages, runs requests, owns the client's open streams.
// Both transports (IPC and WebSocket) create one per connected renderer.
import type { RequestName, StreamName } from '../shared/contract.js';
import type { ApiError, ClientMessage, ServerMessage } from '../shared/protocol.js';
import type { EngineHub } from '../engine/hub.js';
import { engineError } from '../engine/errors.js';
import type { StreamControl, StreamSink } from '../engine/stream-types.js';
import { openLogs } from '../engine/logs.js';
import { openStats } from '../engine/stats.js';
import { openEvents } from '../engine/events.js';
import { openPull } from '../engine/pull.js';
import { openPush } from '../engine/push.js';
import { openTerminal } from '../engine/terminal.js';
import { openBuild } from '../engine/build.js';
import { makeHandlers, type Handlers } from './handlers.js';
import { clientMessageSchema, requestSchemas, streamSchemas, validationMessage } from './schemas.js';

function withoutMethod(method: string, message: string): string {
  return message.startsWith(`${method}: `) ? message.slice(method.length + 2) : message;
}

export class ApiSession {
  private readonly streams = new Map<number, StreamControl | null>();
  private readonly handlers: Handlers;
  private closed = false;

  /** `log` gets the technical form of each failed request (method and message); the client gets the message alone. */
  constructor(private readonly hub: EngineHub, private readonly send: (msg: ServerMessage) => void,
    private readonly log: (line: string) => void = (line) => console.error(`berth: ${line}`)) {
    this.handlers = makeHandlers(hub);
  }

  /** Handles one raw message from the client (already JSON-decoded). */
  receive(raw: unknown): void {
    const parsed = clientMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const r = raw as { id?: unknown; sid?: unknown };
      const error = { message: validationMessage('message', parsed.error), status: 400 };
      if (typeof r?.id === 'number') this.send({ t: 'error', id: r.id, error });
      else if (typeof r?.sid === 'number') this.send({ t: 'end', sid: r.sid, error });
      return;
    }
    const msg = parsed.data as ClientMessage;
    switch (msg.t) {
      case 'call': void this.call(msg.id, msg.method, msg.params); return;
      case 'open': void this.open(msg.sid, msg.stream, msg.params); return;
      case 'close': this.streams.get(msg.sid)?.close(); this.streams.delete(msg.sid); return;
      case 'input': this.streams.get(msg.sid)?.input?.(msg.data); return;
      case 'resize': this.streams.get(msg.sid)?.resize?.(msg.cols, msg.rows); return;
      case 'ack': this.streams.get(msg.sid)?.ack?.(msg.bytes); return;
    }
  }

  private async call(id: number, method: RequestName, params: unknown): Promise<void> {
    const schema = requestSchemas[method];
    if (!schema) { this.send({ t: 'error', id, error: { message: `unknown request '${method}'`, status: 404 } }); return; }
    const p = schema.safeParse(params ?? {});
    if (!p.success) { this.fail(id, method, { message: validationMessage(method, p.error), status: 400, operation: method }); return; }
    try {
      const handler = this.handlers[method] as (x: unknown) => Promise<unknown>;
      const result = await handler(p.data);
      if (!this.closed) this.send({ t: 'result', id, result });
    } catch (err) {
      this.fail(id, method, engineError(method, err));
    }
  }

  /** The method name ("containers.run") is for the log: a person reads the message without it. */
  private fail(id: number, method: RequestName, error: ApiError): void {
    this.log(error.message);
    if (!this.closed) this.send({ t: 'error', id, error: { ...error, message: withoutMethod(method, error.message) } });
  }

  private async open(sid: number, stream: StreamName, params: unknown): Promise<void> {
    const schema = streamSchemas[stream];
    const endWith = (error?: ApiError) => { if (this.streams.delete(sid) && !this.closed) this.send({ t: 'end', sid, error }); };
    if (!schema) { this.send({ t: 'end', sid, error: { message: `unknown stream '${stream}'`, status: 404 } }); return; }
    const p = schema.safeParse(params ?? {});
    if (!p.success) { this.send({ t: 'end', sid, error: { message: validationMessage(stream, p.error), status: 400 } }); return; }
    this.streams.set(sid, null);
    const sink: StreamSink<unknown> = {
      data: (data) => { if (this.streams.has(sid) && !this.closed) this.send({ t: 'data', sid, data }); },
      bytes: (data) => { if (this.streams.has(sid) && !this.closed) this.send({ t: 'bytes', sid, data }); },
      end: endWith,
    };
    const docker = this.hub.docker();
    try {
      const args = p.data as never;
      const control: StreamControl =
        stream === 'logs' ? await openLogs(docker, args, sink as never)
        : stream === 'stats' ? await openStats(docker, args, sink as never)
        : stream === 'events' ? await openEvents(docker, sink as never)
        : stream === 'pull' ? await openPull(docker, args, sink as never)
        : stream === 'push' ? await openPush(docker, args, sink as never)
        : stream === 'build' ? await openBuild(docker, args, sink as never)
        : await openTerminal(docker, args, sink as never);
      // Closed by the client while opening, or ended already: release at once.
      if (!this.streams.has(sid) || this.closed) control.close();
      else this.streams.set(sid, control);
    } catch (err) {
      endWith(engineError(`open ${stream}`, err));
    }
  }

  /** The client went away: close every stream it had open. */
  dispose(): void {
    this.closed = true;
    for (const [, s] of this.streams) s?.close();
    this.streams.clear();
  }
}
