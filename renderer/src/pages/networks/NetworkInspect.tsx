// A network's inspect document as collapsible JSON, with the containers attached to it.
import type { NetworkRow } from '@shared/contract';
import { useApi } from '../../api/api';
import { JsonTree } from '../../components/JsonTree';
import { CopyButton } from '../../components/CopyButton';
import { ErrorBox } from '../../components/Notice';
import { withoutOperation } from '../../lib/network-list';
import { AttachedContainers } from './AttachedContainers';

/** The containers come from the inspect call (the list's may be a refresh behind). */
export function NetworkInspect({ network }: { network: NetworkRow }) {
  const details = useApi('networks.inspect', { id: network.id }, { refetchInterval: 10_000 });
  return (
    <section aria-label={`Inspect ${network.name}`} className="space-y-2 p-3" data-testid="network-inspect">
      {details.error && <ErrorBox title={`Could not inspect ${network.name}`} message={withoutOperation(details.error.message)} />}
      {details.isPending && <div className="text-sm text-slate-500 dark:text-slate-400">Loading…</div>}
      {details.data && <>
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <span className="font-semibold">ID</span>
          <code className="font-mono text-xs [overflow-wrap:anywhere]">{network.id}</code>
          <CopyButton text={network.id} label="Copy ID" title={`Copy the ID of ${network.name}`} />
        </div>
        <div className="text-sm" data-testid="network-attached"><span className="font-semibold">Attached containers: </span><AttachedContainers containers={details.data.containers} withAddress /></div>
        <div className="card overflow-auto p-3"><JsonTree value={details.data.inspect} /></div>
      </>}
    </section>
  );
}
