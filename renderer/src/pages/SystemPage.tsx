// Engine info and versions, cgroup version, disk usage with prune.
import { useState } from 'react';
import { useApi, useApiMutation } from '../api/api';
import { bytes } from '../lib/format';
import { PageHeader } from '../components/PageHeader';
import { ErrorBox, InfoBox } from '../components/Notice';
import { JsonTree } from '../components/JsonTree';
import { ConfirmDialog } from '../components/ConfirmDialog';

type PruneWhat = 'containers' | 'images' | 'volumes' | 'all';

export function SystemPage() {
  const host = useApi('system.host', {});
  const df = useApi('system.df', {});
  const prune = useApiMutation('system.prune', ['system.df', 'images.list', 'containers.list']);
  const [done, setDone] = useState<string | null>(null);
  const [asking, setAsking] = useState<{ what: PruneWhat; text: string } | null>(null);
  const h = host.data;
  const doPrune = (what: PruneWhat, text: string) => setAsking({ what, text });
  const pruneNow = (what: PruneWhat) => {
    setAsking(null);
    setDone(null);
    prune.mutate({ what }, { onSuccess: (r) => setDone(`Removed ${r.removed} objects, reclaimed ${bytes(r.spaceReclaimed)}.`) });
  };
  return (
    <div>
      <PageHeader title="System" subtitle={h ? `${h.name} · ${h.os}` : undefined} />
      <div className="space-y-4 p-6">
        {host.error && <ErrorBox title="Engine not reachable" message={`${host.error.message}\nStart the engine or choose another in Settings.`} />}
        {h && (
          <dl className="grid grid-cols-2 gap-3 md:grid-cols-4">
            {[['Engine version', h.serverVersion], ['API version', h.apiVersion], ['cgroup version', `v${h.cgroupVersion} (${h.cgroupDriver})`], ['Kernel', h.kernel], ['CPUs', String(h.ncpu)], ['Memory', bytes(h.memTotal)], ['Storage driver', String(h.info.Driver ?? '')], ['Default runtime', String(h.info.DefaultRuntime ?? '')]].map(([k, v]) => (
              <div key={k} className="card p-3"><dt className="label">{k}</dt><dd className="truncate text-sm font-semibold" title={v}>{v}</dd></div>
            ))}
          </dl>
        )}
        <section className="card p-4" aria-label="Disk usage">
          <h2 className="mb-3 font-semibold">Disk usage</h2>
          {df.error && <ErrorBox title="Could not read disk usage" message={df.error.message} />}
          {df.data && (
            <table className="w-full">
              <thead><tr><th className="th">What</th><th className="th">Count</th><th className="th">Size</th><th className="th"><span className="sr-only">Actions</span></th></tr></thead>
              <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                <tr><td className="td">Images</td><td className="td">{df.data.images.count}</td><td className="td">{bytes(df.data.images.size)} <span className="text-slate-500 dark:text-slate-400">({bytes(df.data.images.reclaimable)} unused)</span></td><td className="td text-right"><button className="btn btn-sm" disabled={prune.isPending} onClick={() => doPrune('images', 'Remove dangling images?')}>Prune</button></td></tr>
                <tr><td className="td">Containers</td><td className="td">{df.data.containers.count}</td><td className="td">{bytes(df.data.containers.size)}</td><td className="td text-right"><button className="btn btn-sm" disabled={prune.isPending} onClick={() => doPrune('containers', 'Remove all stopped containers?')}>Prune stopped</button></td></tr>
                <tr><td className="td">Volumes</td><td className="td">{df.data.volumes.count}</td><td className="td">{bytes(df.data.volumes.size)}</td><td className="td text-right"><button className="btn btn-sm" disabled={prune.isPending} onClick={() => doPrune('volumes', 'Remove unused volumes? Their data is lost.')}>Prune unused</button></td></tr>
              </tbody>
            </table>
          )}
          <div className="mt-3 flex items-center gap-2">
            <button className="btn btn-danger" disabled={prune.isPending} onClick={() => doPrune('all', 'Remove stopped containers, unused images and unused volumes?')}>Prune everything unused</button>
            {prune.isPending && <span role="status" className="text-sm text-slate-600 dark:text-slate-400">Pruning…</span>}
          </div>
          {prune.error && <div className="mt-3"><ErrorBox title="Prune failed" message={prune.error.message} onDismiss={() => prune.reset()} /></div>}
          {done && <div className="mt-3"><InfoBox tone="ok">{done}</InfoBox></div>}
        </section>
        {asking && (
          <ConfirmDialog title={asking.text} confirmLabel="Prune" onCancel={() => setAsking(null)} onConfirm={() => pruneNow(asking.what)}>
            <p>This cannot be undone.</p>
          </ConfirmDialog>
        )}
        {h && <details className="card p-4"><summary className="cursor-pointer font-semibold">Full engine info</summary><JsonTree value={{ info: h.info, version: h.version }} /></details>}
      </div>
    </div>
  );
}
