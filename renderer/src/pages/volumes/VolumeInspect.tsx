// A volume's inspect document as collapsible JSON, with the containers that mount it.
import type { VolumeUser } from '@shared/contract';
import { useApi } from '../../api/api';
import { JsonTree } from '../../components/JsonTree';
import { ErrorBox } from '../../components/Notice';
import { UsedBy } from './UsedBy';

/** `usedBy` comes from the list, which container events keep fresh. */
export function VolumeInspect({ name, usedBy }: { name: string; usedBy: VolumeUser[] }) {
  const details = useApi('volumes.inspect', { name }, { refetchInterval: 10_000 });
  return (
    <section aria-label={`Inspect ${name}`} className="space-y-2 p-3" data-testid="volume-inspect">
      {details.error && <ErrorBox title={`Could not inspect ${name}`} message={details.error.message} />}
      {details.isPending && <div className="text-sm text-slate-500 dark:text-slate-400">Loading…</div>}
      {details.data && <>
        <div className="text-sm"><span className="font-semibold">Mounted by: </span><UsedBy users={usedBy} withTarget /></div>
        <div className="card overflow-auto p-3"><JsonTree value={details.data.inspect} /></div>
      </>}
    </section>
  );
}
