// Settings: engine connections, registry mirrors, default resources, theme, scrollback, terminal drawing.
import { useState } from 'react';
import type { Settings } from '@shared/contract';
import { useApi, useApiMutation } from '../api/api';
import { applyTheme } from '../lib/theme';
import { setScrollback, setTerminalRenderer } from '../terminal/sessions';
import { webglSummary } from '../terminal/webgl-renderer';
import { PageHeader } from '../components/PageHeader';
import { ErrorBox, InfoBox } from '../components/Notice';
import { ResourceControls } from '../components/ResourceControls';
import { MirrorsStatus } from './MirrorsStatus';

export function SettingsPage() {
  const engines = useApi('engines.list', {});
  const status = useApi('engine.status', {});
  const settings = useApi('settings.get', {});
  const host = useApi('system.host', {}, { retry: 0 });
  const add = useApiMutation('engines.add', ['engines.list']);
  const remove = useApiMutation('engines.remove', ['engines.list']);
  const use = useApiMutation('engines.use', ['engines.list', 'engine.status', 'containers.list', 'images.list', 'system.host']);
  const save = useApiMutation('settings.set', ['settings.get']);
  const [name, setName] = useState('');
  const [hostUrl, setHostUrl] = useState('');
  const [tlsDir, setTlsDir] = useState('');
  const [sshKey, setSshKey] = useState('');
  const [mirrors, setMirrors] = useState<string | null>(null);
  const s = settings.data;
  // Which part of the page the last save was for, so its confirmation shows there.
  const [savedPart, setSavedPart] = useState<'defaults' | 'other' | null>(null);
  const update = (patch: Partial<Settings>) => {
    setSavedPart(null);
    save.mutate({ settings: patch }, { onSuccess: (r) => { applyTheme(r.theme); setScrollback(r.scrollback); setTerminalRenderer(r.terminalRenderer); setSavedPart(patch.defaultResources ? 'defaults' : 'other'); } });
  };
  return (
    <div>
      <PageHeader title="Settings" />
      <div className="grid gap-4 p-6 xl:grid-cols-2">
        <section className="card p-4" aria-label="Engines">
          <h2 className="mb-1 font-semibold">Engines</h2>
          <p className="mb-3 text-sm text-slate-500 dark:text-slate-400">Berth talks to its own engine by default; any Docker or Podman engine works too.</p>
          {status.data && !status.data.connected && <div className="mb-3"><ErrorBox title="The active engine is not reachable" message={`${status.data.error ?? ''}\nStart it, or add and choose another below.`} /></div>}
          <ul className="divide-y divide-slate-100 dark:divide-slate-800">
            {engines.data?.engines.map((e) => (
              <li key={e.id} className="flex items-center gap-2 py-2">
                <input type="radio" name="engine" id={`engine-${e.id}`} checked={engines.data?.activeId === e.id} onChange={() => use.mutate({ id: e.id })} />
                <label htmlFor={`engine-${e.id}`} className="flex-1"><span className="font-medium">{e.name}</span>{!e.name.includes(e.host) && <> <span className="font-mono text-xs text-slate-500 dark:text-slate-400">{e.host}</span></>}{e.sshHostKey && <span className="block font-mono text-xs text-slate-500 dark:text-slate-400">host key {e.sshHostKey}</span>}</label>
                {!e.builtin && e.id !== 'cli' && <button className="btn btn-sm" onClick={() => remove.mutate({ id: e.id })}>Remove</button>}
              </li>
            ))}
          </ul>
          <form className="mt-3 grid gap-2" onSubmit={(e) => {
            e.preventDefault();
            const tls = tlsDir ? { ca: `${tlsDir}/ca.pem`, cert: `${tlsDir}/cert.pem`, key: `${tlsDir}/key.pem` } : undefined;
            add.mutate({ name, host: hostUrl, tls, ...(sshKey ? { sshKey } : {}) }, { onSuccess: () => { setName(''); setHostUrl(''); setTlsDir(''); setSshKey(''); } });
          }}>
            <div className="grid grid-cols-2 gap-2">
              <div><label className="label" htmlFor="engine-name">Name</label><input id="engine-name" className="input" placeholder="My Docker" value={name} onChange={(e) => setName(e.target.value)} /></div>
              <div><label className="label" htmlFor="engine-host">Address</label><input id="engine-host" className="input font-mono" placeholder="unix:///var/run/docker.sock" value={hostUrl} onChange={(e) => setHostUrl(e.target.value)} /></div>
            </div>
            <div className="grid grid-cols-2 gap-2">
              <div><label className="label" htmlFor="engine-tls">TLS certificate folder (tcp only)</label><input id="engine-tls" className="input font-mono" placeholder="~/.docker (ca.pem, cert.pem, key.pem)" value={tlsDir} onChange={(e) => setTlsDir(e.target.value)} /></div>
              <div><label className="label" htmlFor="engine-ssh-key">SSH private key file (ssh only)</label><input id="engine-ssh-key" className="input font-mono" placeholder="default: ssh agent, then ~/.ssh/id_*" value={sshKey} onChange={(e) => setSshKey(e.target.value)} /></div>
            </div>
            <div className="text-xs text-slate-500 dark:text-slate-400">unix:///run/podman/podman.sock · tcp://host:2376 with TLS · ssh://user@host</div>
            <div><button className="btn" type="submit" disabled={!hostUrl}>Add engine</button></div>
          </form>
          {add.error && <ErrorBox title="Could not add the engine" message={add.error.message} onDismiss={() => add.reset()} />}
          {use.data && (use.data.connected ? <InfoBox tone="ok">Connected to {use.data.kind} {use.data.version}.</InfoBox> : <ErrorBox title="Switched, but it does not answer" message={use.data.error ?? ''} />)}
        </section>
        <section className="card p-4" aria-label="Appearance">
          <h2 className="mb-3 font-semibold">Appearance and terminals</h2>
          {s && (
            <div className="grid gap-4">
              <fieldset>
                <legend className="label">Theme</legend>
                <div className="flex gap-4 text-sm">
                  {(['system', 'light', 'dark'] as const).map((t) => (
                    <label key={t} className="flex items-center gap-1.5"><input type="radio" name="theme" checked={s.theme === t} onChange={() => update({ theme: t })} />{t === 'system' ? 'Follow the system' : t}</label>
                  ))}
                </div>
              </fieldset>
              <div>
                <label className="label" htmlFor="scrollback">Terminal scrollback (lines)</label>
                <input id="scrollback" type="number" min={100} className="input w-40" defaultValue={s.scrollback} onBlur={(e) => update({ scrollback: Math.max(100, Number(e.target.value) || 5000) })} />
              </div>
              <fieldset>
                <legend className="label">Terminal drawing</legend>
                <div className="flex flex-wrap gap-4 text-sm">
                  {([['auto', 'Automatic (GPU where there is one)'], ['webgl', 'GPU (WebGL)'], ['dom', 'Page elements (DOM)']] as const).map(([v, text]) => (
                    <label key={v} className="flex items-center gap-1.5"><input type="radio" name="terminal-renderer" checked={s.terminalRenderer === v} onChange={() => update({ terminalRenderer: v })} />{text}</label>
                  ))}
                </div>
                <div className="text-xs text-slate-500 dark:text-slate-400">The GPU draws a busy terminal with far less work; without a GPU (software WebGL) the page elements are faster. Applies to terminals opened from now on.</div>
                <div className="text-xs text-slate-500 dark:text-slate-400" data-testid="webgl-summary">{webglSummary()}</div>
              </fieldset>
              <div>
                <label className="label" htmlFor="mirrors">Registry mirrors (one URL a line)</label>
                <textarea id="mirrors" className="input h-20 font-mono" value={mirrors ?? s.registryMirrors.join('\n')} onChange={(e) => setMirrors(e.target.value)}
                  onBlur={() => mirrors !== null && update({ registryMirrors: mirrors.split('\n').map((m) => m.trim()).filter(Boolean) })} />
                <div className="text-xs text-slate-500 dark:text-slate-400">Mirrors of Docker Hub, tried in order before it. The app passes them to the berthd it starts (--registry-mirror); a restart of the engine applies a change.</div>
                <MirrorsStatus saved={s.registryMirrors} />
              </div>
            </div>
          )}
          {save.error && <ErrorBox title="Could not save" message={save.error.message} onDismiss={() => save.reset()} />}
        </section>
        <section className="card p-4 xl:col-span-2" aria-label="Default resources">
          <div className="mb-3 flex items-baseline gap-3">
            <h2 className="font-semibold">Default resources for new containers</h2>
            <span role="status" className="text-sm text-emerald-700 dark:text-emerald-300">{savedPart === 'defaults' && !save.isPending ? 'Saved: the run dialog starts from these.' : ''}</span>
          </div>
          {s && host.data ? <ResourceControls idPrefix="defaults" value={s.defaultResources} total={host.data.memTotal} ncpu={host.data.ncpu} onChange={(r) => update({ defaultResources: r })} />
            : <div className="text-sm text-slate-500 dark:text-slate-400">{host.error ? 'Connect an engine to set defaults (the sliders scale to its host).' : 'Loading…'}</div>}
        </section>
      </div>
    </div>
  );
}
