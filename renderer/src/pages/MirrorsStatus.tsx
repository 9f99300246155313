// Whether the engine runs with the registry mirrors saved in Settings, and a restart of the
// app-managed berthd to apply them (berthd reads mirrors at start, like dockerd).
import { useApi, useApiMutation } from '../api/api';
import { ErrorBox, InfoBox } from '../components/Notice';

const norm = (list: string[]) => list.map((m) => m.replace(/\/+$/, '')).join('\n');

export function MirrorsStatus({ saved }: { saved: string[] }) {
  const status = useApi('engine.status', {});
  const host = useApi('system.host', {}, { retry: 0 });
  const restart = useApiMutation('engine.restart', ['engine.status', 'system.host', 'images.list', 'containers.list']);
  const registry = host.data?.info.RegistryConfig as { Mirrors?: string[] | null } | undefined;
  const inUse = registry?.Mirrors ?? [];
  const same = norm(inUse) === norm(saved);
  const st = status.data;
  return (
    <div className="mt-2 space-y-2" data-testid="mirrors-status">
      {st?.notes?.map((n) => <InfoBox key={n} tone="warn">{n}</InfoBox>)}
      {host.data && (same
        ? (inUse.length > 0 && <InfoBox tone="ok">The engine uses these mirrors: {inUse.join(', ')}.</InfoBox>)
        : st?.canRestart
          ? <InfoBox tone="warn">
              <div>Saved. The engine still runs with {inUse.length ? inUse.join(', ') : 'no mirrors'}; restart it to use the new list. Running containers keep running under berthd's shims.</div>
              <button type="button" className="btn btn-sm mt-2" disabled={restart.isPending} onClick={() => restart.mutate({})}>{restart.isPending ? 'Restarting the engine…' : 'Restart engine'}</button>
            </InfoBox>
          : <InfoBox>The app did not start this engine, so it cannot pass mirrors to it. Set them in the engine's own configuration (berthd: "registry-mirrors" in /etc/berth/daemon.json; Docker: its daemon.json) and restart it there.</InfoBox>)}
      {restart.error && <ErrorBox title="Could not restart the engine" message={restart.error.message} onDismiss={() => restart.reset()} />}
    </div>
  );
}
