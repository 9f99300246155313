// Run a container from an image: every common option, resource sliders, and the equivalent
// `docker run` command line, live.
import { useMemo, useState } from 'react';
import type { PortSpec, ResourceSpec, RunSpec, VolumeSpec } from '@shared/contract';
import { dockerRunCommand, splitCommand } from '@shared/run-command';
import { useApi, useApiMutation } from '../api/api';
import { go } from '../lib/router';
import { Dialog } from '../components/Dialog';
import { ErrorBox } from '../components/Notice';
import { ResourceControls } from '../components/ResourceControls';
import { CopyButton } from '../components/CopyButton';
import { advancedCount, buildAdvanced, EMPTY_ADVANCED, type AdvancedForm } from '@shared/run-advanced-form';
import { AdvancedSection } from './run/AdvancedSection';

const DEFAULT_RESOURCES: ResourceSpec = { memory: 0, cpuShares: 1024, cpusetCpus: '', pidsLimit: 0, blkioWeight: 0 };

function Field({ id, label, children }: { id: string; label: string; children: React.ReactNode }) {
  return <div><label className="label" htmlFor={id}>{label}</label>{children}</div>;
}

export function RunDialog({ image, onClose }: { image: string; onClose: () => void }) {
  const host = useApi('system.host', {});
  const settings = useApi('settings.get', {});
  // An imported root filesystem has no default command: the engine would refuse the run with
  // 'No command specified', so the dialog asks for one up front.
  const imageInfo = useApi('images.inspect', { id: image });
  const imageConfig = imageInfo.data?.inspect.Config as { Cmd?: string[] | null; Entrypoint?: string[] | null } | undefined;
  const needsCommand = Boolean(imageInfo.data) && !imageConfig?.Cmd?.length && !imageConfig?.Entrypoint?.length;
  const run = useApiMutation('containers.run', ['containers.list']);
  const [name, setName] = useState('');
  const [cmd, setCmd] = useState('');
  const [env, setEnv] = useState<{ key: string; value: string }[]>([]);
  const [ports, setPorts] = useState<{ container: string; host: string; protocol: 'tcp' | 'udp' }[]>([]);
  const [volumes, setVolumes] = useState<VolumeSpec[]>([]);
  const [workdir, setWorkdir] = useState('');
  const [user, setUser] = useState('');
  const [hostname, setHostname] = useState('');
  const [network, setNetwork] = useState('');
  // The engine's user-defined networks (a compose project's, or made on the Networks page).
  const networks = useApi('networks.list', {});
  const userNetworks = (networks.data?.networks ?? []).filter((n) => !n.builtin).map((n) => n.name).sort();
  const [restart, setRestart] = useState<RunSpec['restart']>('no');
  const [tty, setTty] = useState(true);
  const [interactive, setInteractive] = useState(true);
  // The saved default resources until the user changes one.
  const [edited, setResources] = useState<ResourceSpec | null>(null);
  const resources = edited ?? settings.data?.defaultResources ?? DEFAULT_RESOURCES;
  const [advancedForm, setAdvancedForm] = useState<AdvancedForm>(EMPTY_ADVANCED);
  const advanced = useMemo(() => buildAdvanced(advancedForm), [advancedForm]);

  const built = useMemo((): { spec: RunSpec | null; errors: string[] } => {
    const errors: string[] = [];
    let cmdWords: string[] = [];
    try { cmdWords = splitCommand(cmd); } catch (e) { errors.push((e as Error).message); }
    if (needsCommand && !cmdWords.length && !errors.length) errors.push('command: this image has no default command; type one, like sh');
    const portSpecs: PortSpec[] = [];
    for (const p of ports) {
      const c = Number(p.container);
      const h = p.host ? Number(p.host) : undefined;
      if (!Number.isInteger(c) || c < 1 || c > 65535) errors.push(`port '${p.container}': a container port is a number from 1 to 65535`);
      else if (h !== undefined && (!Number.isInteger(h) || h < 1 || h > 65535)) errors.push(`port '${p.host}': a host port is a number from 1 to 65535`);
      else portSpecs.push({ container: c, host: h, protocol: p.protocol });
    }
    if (name && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) errors.push('name: letters, digits, _ . - and starting with a letter or digit');
    for (const e of env) if (/[=\s]/.test(e.key)) errors.push(`env '${e.key}': a variable name has no = or spaces`);
    for (const v of volumes) if (v.target && !v.target.startsWith('/')) errors.push(`volume '${v.target}': the container path must be absolute`);
    if (resources.blkioWeight && (resources.blkioWeight < 10 || resources.blkioWeight > 1000)) errors.push('blkio weight: between 10 and 1000');
    errors.push(...advanced.errors.values());
    const spec: RunSpec = {
      image, name: name || undefined, cmd: cmdWords.length ? cmdWords : undefined, env: env.filter((e) => e.key), ports: portSpecs,
      volumes: volumes.filter((v) => v.source && v.target), workdir: workdir || undefined, user: user || undefined, hostname: hostname || undefined,
      restart, tty, interactive, network: network || undefined, resources,
      advanced: advanced.advanced,
    };
    return { spec: errors.length ? null : spec, errors };
  }, [image, needsCommand, name, cmd, env, ports, volumes, workdir, user, hostname, restart, tty, interactive, network, resources, advanced]);
  const command = built.spec ? dockerRunCommand(built.spec) : '';
  const submit = () => {
    if (!built.spec) return;
    run.mutate({ spec: built.spec }, { onSuccess: (r) => { onClose(); go('containers', r.id, 'logs'); } });
  };
  return (
    <Dialog title={`Run ${image}`} onClose={onClose} wide>
      <form className="grid gap-6 p-5 pb-0 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]" onSubmit={(e) => { e.preventDefault(); submit(); }}>
        <div className="grid content-start gap-4">
          <div className="grid grid-cols-2 gap-3">
            <Field id="run-name" label="Name"><input id="run-name" className="input" placeholder="auto" value={name} onChange={(e) => setName(e.target.value)} /></Field>
            <Field id="run-hostname" label="Hostname"><input id="run-hostname" className="input" placeholder="container ID" value={hostname} onChange={(e) => setHostname(e.target.value)} /></Field>
          </div>
          <Field id="run-cmd" label="Command"><input id="run-cmd" className="input font-mono" placeholder={needsCommand ? 'required: the image has none, e.g. sh' : 'image default'} aria-required={needsCommand || undefined} value={cmd} onChange={(e) => setCmd(e.target.value)} /></Field>
          <div className="grid grid-cols-3 gap-3">
            <Field id="run-workdir" label="Working dir"><input id="run-workdir" className="input" placeholder="/" value={workdir} onChange={(e) => setWorkdir(e.target.value)} /></Field>
            <Field id="run-user" label="User"><input id="run-user" className="input" placeholder="image default" value={user} onChange={(e) => setUser(e.target.value)} /></Field>
            <Field id="run-restart" label="Restart">
              <select id="run-restart" className="input" value={restart} onChange={(e) => setRestart(e.target.value as RunSpec['restart'])}>
                <option value="no">never</option><option value="on-failure">on failure</option><option value="unless-stopped">unless stopped</option><option value="always">always</option>
              </select>
            </Field>
          </div>
          <div className="grid grid-cols-3 gap-3">
            <Field id="run-network" label="Network">
              <select id="run-network" className="input" value={network} onChange={(e) => setNetwork(e.target.value)}>
                <option value="">engine default</option><option value="none">none</option><option value="host">host</option><option value="bridge">bridge</option>
                {userNetworks.map((n) => <option key={n} value={n}>{n}</option>)}
              </select>
            </Field>
            <label className="mt-6 flex items-center gap-2 text-sm"><input type="checkbox" checked={tty} onChange={(e) => setTty(e.target.checked)} /> TTY</label>
            <label className="mt-6 flex items-center gap-2 text-sm"><input type="checkbox" checked={interactive} onChange={(e) => setInteractive(e.target.checked)} /> Keep stdin open</label>
          </div>
          <fieldset>
            <legend className="label">Environment</legend>
            {env.map((e, i) => (
              <div key={i} className="mb-1.5 flex gap-2">
                <input aria-label={`Variable ${i + 1} name`} className="input font-mono" placeholder="NAME" value={e.key} onChange={(ev) => setEnv(env.map((x, j) => (j === i ? { ...x, key: ev.target.value } : x)))} />
                <input aria-label={`Variable ${i + 1} value`} className="input font-mono" placeholder="value" value={e.value} onChange={(ev) => setEnv(env.map((x, j) => (j === i ? { ...x, value: ev.target.value } : x)))} />
                <button type="button" className="btn btn-sm" aria-label={`Remove variable ${i + 1}`} onClick={() => setEnv(env.filter((_, j) => j !== i))}>✕</button>
              </div>
            ))}
            <button type="button" className="btn btn-sm" onClick={() => setEnv([...env, { key: '', value: '' }])}>+ Variable</button>
          </fieldset>
          <fieldset>
            <legend className="label">Ports</legend>
            {ports.map((p, i) => (
              <div key={i} className="mb-1.5 flex gap-2">
                <input aria-label={`Port ${i + 1} on the host`} className="input" placeholder="host port" value={p.host} onChange={(ev) => setPorts(ports.map((x, j) => (j === i ? { ...x, host: ev.target.value } : x)))} />
                <input aria-label={`Port ${i + 1} in the container`} className="input" placeholder="container port" value={p.container} onChange={(ev) => setPorts(ports.map((x, j) => (j === i ? { ...x, container: ev.target.value } : x)))} />
                <select aria-label={`Port ${i + 1} protocol`} className="input w-24" value={p.protocol} onChange={(ev) => setPorts(ports.map((x, j) => (j === i ? { ...x, protocol: ev.target.value as 'tcp' | 'udp' } : x)))}><option>tcp</option><option>udp</option></select>
                <button type="button" className="btn btn-sm" aria-label={`Remove port ${i + 1}`} onClick={() => setPorts(ports.filter((_, j) => j !== i))}>✕</button>
              </div>
            ))}
            <button type="button" className="btn btn-sm" onClick={() => setPorts([...ports, { container: '', host: '', protocol: 'tcp' }])}>+ Port</button>
          </fieldset>
          <fieldset>
            <legend className="label">Volumes and binds</legend>
            {volumes.map((v, i) => (
              <div key={i} className="mb-1.5 flex items-center gap-2">
                <input aria-label={`Volume ${i + 1} source`} className="input" placeholder="volume name or /host/path" value={v.source} onChange={(ev) => setVolumes(volumes.map((x, j) => (j === i ? { ...x, source: ev.target.value } : x)))} />
                <input aria-label={`Volume ${i + 1} target`} className="input" placeholder="/path/in/container" value={v.target} onChange={(ev) => setVolumes(volumes.map((x, j) => (j === i ? { ...x, target: ev.target.value } : x)))} />
                <label className="flex items-center gap-1 text-xs"><input type="checkbox" checked={v.readOnly} onChange={(ev) => setVolumes(volumes.map((x, j) => (j === i ? { ...x, readOnly: ev.target.checked } : x)))} />ro</label>
                <button type="button" className="btn btn-sm" aria-label={`Remove volume ${i + 1}`} onClick={() => setVolumes(volumes.filter((_, j) => j !== i))}>✕</button>
              </div>
            ))}
            <button type="button" className="btn btn-sm" onClick={() => setVolumes([...volumes, { source: '', target: '', readOnly: false }])}>+ Volume</button>
          </fieldset>
        </div>
        <div className="grid content-start gap-4">
          <section aria-label="Resources" className="rounded-lg border border-slate-200 p-4 dark:border-slate-800">
            <h3 className="mb-3 font-semibold">Resources</h3>
            {host.data
              ? <ResourceControls idPrefix="run" value={resources} onChange={setResources} total={host.data.memTotal} ncpu={host.data.ncpu} />
              : host.error ? <ErrorBox title="Host facts unavailable" message={host.error.message} /> : <div className="text-sm text-slate-500 dark:text-slate-400">Reading the host's memory and CPUs…</div>}
          </section>
          <section aria-label="Equivalent command">
            <div className="label">Equivalent command</div>
            <div className="flex items-start gap-2">
              <pre data-testid="run-command" className="flex-1 overflow-auto whitespace-pre-wrap break-all rounded-md bg-slate-900 p-3 font-mono text-xs text-emerald-200">{command || '—'}</pre>
              <CopyButton text={command} disabled={!command} />
            </div>
          </section>
        </div>
        <div className="lg:col-span-2">
          <AdvancedSection form={advancedForm} onChange={setAdvancedForm} errors={advanced.errors} count={advancedCount(advanced.advanced)} />
        </div>
        {/* Across both columns and stuck to the dialog's bottom: in a short window Run and the
            reason it is disabled stay in view while the form scrolls. */}
        <div className="sticky bottom-0 -mx-5 grid gap-3 border-t border-slate-200 bg-white px-5 py-3 lg:col-span-2 dark:border-slate-800 dark:bg-slate-900" data-testid="run-footer">
          {built.errors.length > 0 && <ErrorBox title="Fix these first" message={built.errors.join('\n')} />}
          {run.error && <ErrorBox title="The container did not start" message={run.error.message} onDismiss={() => run.reset()} />}
          <div className="flex justify-end gap-2">
            <button type="button" className="btn" onClick={onClose}>Cancel</button>
            <button type="submit" className="btn btn-primary" disabled={!built.spec || run.isPending}>{run.isPending ? 'Starting…' : 'Run'}</button>
          </div>
        </div>
      </form>
    </Dialog>
  );
}
