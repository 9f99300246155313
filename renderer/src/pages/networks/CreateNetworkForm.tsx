// Create a network: a name, the bridge driver, an optional subnet and gateway, internal (no way
// out of the network), and labels. Problems show as the user types; the engine's refusal below.
import { useState } from 'react';
import { NETWORK_NAME, isBuiltinNetwork, subnetProblems } from '@shared/network-spec';
import { useApiMutation } from '../../api/api';
import { ErrorBox } from '../../components/Notice';
import { withoutOperation } from '../../lib/network-list';
import { KeyValueEditor, toRecord, type KeyValue } from '../volumes/KeyValueEditor';

export function CreateNetworkForm({ onCreated, onCancel }: { onCreated: (name: string) => void; onCancel: () => void }) {
  const create = useApiMutation('networks.create', ['networks.list']);
  const [name, setName] = useState('');
  const [subnet, setSubnet] = useState('');
  const [gateway, setGateway] = useState('');
  const [internal, setInternal] = useState(false);
  const [labels, setLabels] = useState<KeyValue[]>([]);
  const l = toRecord(labels, 'Label');
  const nameError = !name ? null
    : !NETWORK_NAME.test(name) ? 'Name: letters, digits, _ . - and starting with a letter or digit'
    : isBuiltinNetwork(name) ? `Name: ${name} is a pre-defined network; choose another name` : null;
  const problems = [...(nameError ? [nameError] : []), ...subnetProblems(subnet, gateway).map((p) => p[0]!.toUpperCase() + p.slice(1)), ...l.errors];
  const submit = () => {
    if (problems.length || !name) return;
    create.mutate({ name, driver: 'bridge', subnet: subnet.trim() || undefined, gateway: gateway.trim() || undefined, internal, labels: l.record }, {
      onSuccess: (r) => { setName(''); setSubnet(''); setGateway(''); setInternal(false); setLabels([]); onCreated(r.name); },
    });
  };
  return (
    <section aria-label="Create a network" className="card p-4">
      <form className="space-y-3" onSubmit={(e) => { e.preventDefault(); submit(); }}>
        <div className="grid gap-3 md:grid-cols-2">
          <div>
            <label htmlFor="network-name" className="label">Name</label>
            <input id="network-name" className="input" placeholder="e.g. backend" value={name} required aria-invalid={nameError ? true : undefined}
              aria-describedby={problems.length ? 'network-form-problems' : undefined} onChange={(e) => setName(e.target.value)} />
          </div>
          <div>
            <label htmlFor="network-driver" className="label">Driver</label>
            <select id="network-driver" className="input" value="bridge" aria-describedby="network-driver-hint" onChange={() => undefined}>
              <option value="bridge">bridge</option>
            </select>
            <p id="network-driver-hint" className="mt-1 text-xs text-slate-600 dark:text-slate-400">A bridge on this host: containers on it reach each other by name.</p>
          </div>
          <div>
            <label htmlFor="network-subnet" className="label">Subnet (optional)</label>
            <input id="network-subnet" className="input font-mono" placeholder="the engine picks one, e.g. 10.10.0.0/24" value={subnet} onChange={(e) => setSubnet(e.target.value)} />
          </div>
          <div>
            <label htmlFor="network-gateway" className="label">Gateway (optional)</label>
            <input id="network-gateway" className="input font-mono" placeholder="the subnet's first address" value={gateway} onChange={(e) => setGateway(e.target.value)} />
          </div>
        </div>
        <div className="flex items-start gap-2">
          <input id="network-internal" type="checkbox" className="mt-0.5" checked={internal} aria-describedby="network-internal-hint" onChange={(e) => setInternal(e.target.checked)} />
          <div>
            <label htmlFor="network-internal" className="text-sm font-medium">Internal</label>
            <p id="network-internal-hint" className="text-xs text-slate-600 dark:text-slate-400">Containers on it reach each other but nothing outside it.</p>
          </div>
        </div>
        <KeyValueEditor legend="Labels" noun="Label" keyHint="com.example.key" rows={labels} onChange={setLabels} />
        {problems.length > 0 && <p id="network-form-problems" role="alert" className="text-sm text-red-700 dark:text-red-300">{problems.join('; ')}</p>}
        <div className="flex gap-2">
          <button type="submit" className="btn btn-primary" disabled={create.isPending || problems.length > 0 || !name}>{create.isPending ? 'Creating…' : 'Create network'}</button>
          <button type="button" className="btn" onClick={onCancel}>Cancel</button>
        </div>
      </form>
      {create.error && <div className="mt-3"><ErrorBox title="The engine did not create the network" message={withoutOperation(create.error.message)} /></div>}
    </section>
  );
}
