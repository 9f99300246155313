// The build in progress, kept outside the page: a person can look at other pages while it runs
// and come back to its output (Cancel stops it, as closing the CLI would). One build at a time.
import { useSyncExternalStore } from 'react';
import type { BuildMessage, BuildSpec } from '@shared/contract';
import type { StreamHandle } from '@shared/client';
import { api } from '../../api/api';
import { appendOutput, EMPTY_BUILD_FORM, type BuildFormValues } from './build-form';

export type BuildState = 'idle' | 'running' | 'done' | 'failed' | 'cancelled';

export interface BuildFailure { message: string; code?: number | undefined }

export interface BuildSnapshot {
  output: { lines: string[]; partial: string };
  state: BuildState;
  failure: BuildFailure | null;
  result: { imageId: string; tags: string[] } | null;
}

let snapshot: BuildSnapshot = { output: { lines: [], partial: '' }, state: 'idle', failure: null, result: null };
let handle: StreamHandle | null = null;
const listeners = new Set<() => void>();

function update(patch: Partial<BuildSnapshot>): void {
  snapshot = { ...snapshot, ...patch };
  listeners.forEach((l) => l());
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => void listeners.delete(l);
}

/** The form as the person left it, for when they come back to the page. */
export let lastForm: BuildFormValues = EMPTY_BUILD_FORM;
export function keepForm(v: BuildFormValues): void { lastForm = v; }

function start(spec: BuildSpec, onDone: () => void): void {
  handle?.close();
  update({ output: { lines: [], partial: '' }, failure: null, result: null, state: 'running' });
  let engineError: BuildFailure | null = null;
  const h = api.open('build', spec, {
    onData: (m: BuildMessage) => {
      if (m.kind === 'output' || m.kind === 'context') update({ output: appendOutput(snapshot.output, m.text) });
      else if (m.kind === 'error') engineError = { message: m.text, code: m.code };
      else if (m.kind === 'result' && m.imageId) update({ result: { imageId: m.imageId, tags: m.tags ?? [] } });
    },
    onEnd: (e) => {
      if (handle !== h) return; // cancelled, or a newer build
      handle = null;
      if (e) update({ failure: engineError ?? { message: e.message.replace(/^open build: /, '') }, state: 'failed' });
      else { update({ state: 'done' }); onDone(); }
    },
  });
  handle = h;
}

function cancel(): void {
  handle?.close();
  handle = null;
  const o = snapshot.output;
  update({ output: appendOutput(o, `${o.partial ? '\n' : ''}Build cancelled.\n`), state: 'cancelled' });
}

export function useBuild() {
  const s = useSyncExternalStore(subscribe, () => snapshot);
  return { ...s, start, cancel };
}
