// One build stream at a time: its output lines, its state, the engine's error and the result.
import { useEffect, useRef, useState } from 'react';
import type { BuildMessage, BuildSpec } from '@shared/contract';
import type { StreamHandle } from '@shared/client';
import { api } from '../../api/api';
import { appendOutput } from './build-form';

export type BuildState = 'idle' | 'running' | 'done' | 'failed' | 'cancelled';

export interface BuildFailure { message: string; code?: number | undefined }

export function useBuild(onDone: () => void) {
  const [output, setOutput] = useState({ lines: [] as string[], partial: '' });
  const [state, setState] = useState<BuildState>('idle');
  const [failure, setFailure] = useState<BuildFailure | null>(null);
  const [result, setResult] = useState<{ imageId: string; tags: string[] } | null>(null);
  const handle = useRef<StreamHandle | null>(null);
  const done = useRef(onDone);
  useEffect(() => { done.current = onDone; });
  // Leaving the page cancels a running build, as closing the CLI does.
  useEffect(() => () => handle.current?.close(), []);

  const start = (spec: BuildSpec) => {
    handle.current?.close();
    setOutput({ lines: [], partial: '' }); setFailure(null); setResult(null); setState('running');
    let engineError: BuildFailure | null = null;
    const h = api.open('build', spec, {
      onData: (m: BuildMessage) => {
        if (m.kind === 'output' || m.kind === 'context') setOutput((o) => appendOutput(o, m.text));
        else if (m.kind === 'error') engineError = { message: m.text, code: m.code };
        else if (m.kind === 'result' && m.imageId) setResult({ imageId: m.imageId, tags: m.tags ?? [] });
      },
      onEnd: (e) => {
        if (handle.current !== h) return;
        handle.current = null;
        if (e) { setFailure(engineError ?? { message: e.message.replace(/^open build: /, '') }); setState('failed'); }
        else { setState('done'); done.current(); }
      },
    });
    handle.current = h;
  };
  const cancel = () => {
    handle.current?.close();
    handle.current = null;
    setOutput((o) => appendOutput(o, `${o.partial ? '\n' : ''}Build cancelled.\n`));
    setState('cancelled');
  };
  return { output, state, failure, result, start, cancel };
}
