// The questions before a network goes: why a pre-defined one or one in use cannot go, the removal
// itself, and prune with its count.
import type { ReactNode } from 'react';
import type { NetworkRow } from '@shared/contract';
import { plural } from '../../lib/format';
import { holding, pruneSummary, someNames } from '../../lib/network-list';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { AttachedContainers } from './AttachedContainers';

function CloseOnly({ title, children, onClose }: { title: string; children: ReactNode; onClose: () => void }) {
  return (
    <Dialog title={title} onClose={onClose}>
      <div className="space-y-3 p-5 text-sm">
        {children}
        <div className="flex justify-end"><button type="button" className="btn" onClick={onClose}>Close</button></div>
      </div>
    </Dialog>
  );
}

/** bridge, host and none belong to the engine: they cannot be removed, so no removal is offered. */
export function BuiltinDialog({ network, onClose }: { network: NetworkRow; onClose: () => void }) {
  return (
    <CloseOnly title={`${network.name} cannot be removed`} onClose={onClose}>
      <p><strong>{network.name}</strong> is one of the pre-defined networks (bridge, host and none) that every engine keeps from its start: containers use them when they are given no other network. The engine refuses to remove them, so nothing was removed.</p>
      <p>Only networks you created can be removed.</p>
    </CloseOnly>
  );
}

/** A network with running containers on it cannot be removed: this says which, and what to do. */
export function InUseDialog({ network, onClose }: { network: NetworkRow; onClose: () => void }) {
  const held = holding(network.containers);
  return (
    <CloseOnly title={`${network.name} is in use`} onClose={onClose}>
      <p>{plural(held.length, 'running container')} {held.length === 1 ? 'is' : 'are'} on it: <AttachedContainers containers={held} withAddress />.</p>
      <p>The engine refuses to remove a network while a container is connected to it. Stop or remove {held.length > 1 ? 'those containers' : 'that container'} first (from its page or the Containers list), then remove the network. Nothing was removed.</p>
    </CloseOnly>
  );
}

export function RemoveDialog({ network, onConfirm, onCancel }: { network: NetworkRow; onConfirm: () => void; onCancel: () => void }) {
  const stopped = network.containers;
  return (
    <ConfirmDialog title={`Remove network ${network.name}?`} confirmLabel="Remove network" onConfirm={onConfirm} onCancel={onCancel}>
      <p>This deletes the network <strong>{network.name}</strong>{network.subnets.length ? ` (${network.subnets.join(', ')})` : ''}.</p>
      {stopped.length > 0 && <p>{plural(stopped.length, 'stopped container')} still name{stopped.length === 1 ? 's' : ''} it: <AttachedContainers containers={stopped} />. {stopped.length === 1 ? 'It' : 'They'} will not start again until given another network (the engine may also refuse the removal, and say why).</p>}
    </ConfirmDialog>
  );
}

export function PruneDialog({ networks, onConfirm, onCancel }: { networks: NetworkRow[]; onConfirm: () => void; onCancel: () => void }) {
  const s = pruneSummary(networks);
  const n = s.unused.length + s.stoppedOnly.length;
  const kept = networks.length - n;
  return (
    <ConfirmDialog title={`Prune ${plural(n, 'unused network')}?`} confirmLabel={`Remove ${plural(n, 'network')}`} onConfirm={onConfirm} onCancel={onCancel}>
      {s.unused.length > 0 && <p>This removes <strong>{plural(s.unused.length, 'network')}</strong> no container uses: {someNames(s.unused)}.</p>}
      {s.stoppedOnly.length > 0 && <p>{s.unused.length ? 'Also' : 'This removes'} <strong>{plural(s.stoppedOnly.length, 'network')}</strong> with only stopped containers on {s.stoppedOnly.length === 1 ? 'it' : 'them'}: {someNames(s.stoppedOnly)}. Those containers will not start again until given another network (some engines keep such networks).</p>}
      <p>{plural(kept, 'network')} {kept === 1 ? 'stays' : 'stay'}: the pre-defined ones and those with running containers.</p>
    </ConfirmDialog>
  );
}
