// Build an image from a folder: the form, the engine's output live, the result or the error, and
// Cancel while it runs.
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { PageHeader } from '../../components/PageHeader';
import { ErrorBox, InfoBox } from '../../components/Notice';
import { RunDialog } from '../RunDialog';
import { BuildForm } from './BuildForm';
import { BuildLog } from './BuildLog';
import { BuildResult } from './BuildResult';
import { toBuildSpec, type BuildFormValues } from './build-form';
import { keepForm, lastForm, useBuild } from './use-build';

export function BuildPage() {
  const qc = useQueryClient();
  const [values, setValuesState] = useState<BuildFormValues>(lastForm);
  const setValues = (v: BuildFormValues) => { keepForm(v); setValuesState(v); };
  const [problems, setProblems] = useState<string[]>([]);
  const [running, setRunning] = useState<string | null>(null);
  const build = useBuild();
  const busy = build.state === 'running';
  const submit = () => {
    const { spec, errors } = toBuildSpec(values);
    setProblems(errors);
    if (errors.length === 0) build.start(spec, () => void qc.invalidateQueries({ queryKey: ['images.list'] }));
  };
  return (
    <div>
      <PageHeader title="Build image" subtitle="From a folder with a Dockerfile, with the engine's builder"
        actions={<a className="btn" href="#/images">Back to images</a>} />
      <div className="space-y-4 p-6">
        <form className="card space-y-4 p-4" aria-label="Build image" onSubmit={(e) => { e.preventDefault(); submit(); }}>
          <BuildForm values={values} onChange={setValues} disabled={busy} />
          {problems.length > 0 && <ErrorBox title="Check the form" message={problems.join('\n')} onDismiss={() => setProblems([])} />}
          <div className="flex gap-2">
            {/* Keyed: one reused <button> would turn into the submit button during Cancel's click,
                and the browser would then submit the form and start the build again. */}
            {busy
              ? <button key="cancel" type="button" className="btn btn-danger" onClick={build.cancel}>Cancel build</button>
              : <button key="build" type="submit" className="btn btn-primary">Build</button>}
            {busy && <span role="status" className="self-center text-sm text-slate-600 dark:text-slate-300">Building…</span>}
          </div>
        </form>
        {build.state === 'failed' && build.failure && (
          <ErrorBox title={build.failure.code !== undefined ? `Build failed (exit code ${build.failure.code})` : 'Build failed'} message={build.failure.message} />
        )}
        {build.state === 'cancelled' && <InfoBox tone="warn">Build cancelled. The engine stops the step that was running and removes its container.</InfoBox>}
        {build.state === 'done' && build.result && <BuildResult imageId={build.result.imageId} tags={build.result.tags} onRun={() => setRunning(build.result!.tags[0] ?? build.result!.imageId)} />}
        <section aria-label="Output" className="card p-4">
          <h2 className="mb-2 text-sm font-semibold">Output</h2>
          <BuildLog lines={build.output.lines} partial={build.output.partial} />
        </section>
      </div>
      {running && <RunDialog image={running} onClose={() => setRunning(null)} />}
    </div>
  );
}
