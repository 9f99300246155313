// Create a volume: an optional name (the engine picks one otherwise), labels and driver options.
import { useState } from 'react';
import { useApiMutation } from '../../api/api';
import { ErrorBox } from '../../components/Notice';
import { KeyValueEditor, toRecord, type KeyValue } from './KeyValueEditor';

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function CreateVolumeForm({ onCreated }: { onCreated: (name: string) => void }) {
  const create = useApiMutation('volumes.create', ['volumes.list']);
  const [name, setName] = useState('');
  const [labels, setLabels] = useState<KeyValue[]>([]);
  const [opts, setOpts] = useState<KeyValue[]>([]);
  const l = toRecord(labels, 'Label');
  const o = toRecord(opts, 'Option');
  const nameError = name && !NAME.test(name) ? 'Name: letters, digits, _ . - and starting with a letter or digit' : null;
  const problems = [...(nameError ? [nameError] : []), ...l.errors, ...o.errors];
  const submit = () => {
    if (problems.length) return;
    create.mutate({ name: name || undefined, labels: l.record, driverOpts: o.record }, {
      onSuccess: (r) => { setName(''); setLabels([]); setOpts([]); onCreated(r.name); },
    });
  };
  return (
    <section aria-label="Create a volume" className="card p-4">
      <form className="space-y-3" onSubmit={(e) => { e.preventDefault(); submit(); }}>
        <div>
          <label htmlFor="volume-name" className="label">Name</label>
          <input id="volume-name" className="input max-w-sm" placeholder="optional: the engine picks one" value={name} aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? 'volume-name-error' : undefined} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="grid gap-4 md:grid-cols-2">
          <KeyValueEditor legend="Labels" noun="Label" keyHint="com.example.key" rows={labels} onChange={setLabels} />
          <KeyValueEditor legend="Driver options" noun="Option" keyHint="type, device, o…" rows={opts} onChange={setOpts} />
        </div>
        {opts.some((r) => r.key) && <p className="text-xs text-slate-600 dark:text-slate-400">Driver options go to the engine's volume driver as they are (the local driver knows type, device and o, as for mount); an engine refuses the ones it does not take, and says why below.</p>}
        {problems.length > 0 && <p id="volume-name-error" role="alert" className="text-sm text-red-700 dark:text-red-300">{problems.join('; ')}</p>}
        <button type="submit" className="btn btn-primary" disabled={create.isPending || problems.length > 0}>{create.isPending ? 'Creating…' : 'Create volume'}</button>
      </form>
      {create.error && <div className="mt-3"><ErrorBox title="The engine did not create the volume" message={create.error.message} /></div>}
    </section>
  );
}
