// The questions before a volume goes: removal (or why it cannot go yet) and prune.
import type { VolumeRow } from '@shared/contract';
import { bytes, plural } from '../../lib/format';
import { isUnused, pruneSummary } from '../../lib/volume-list';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { UsedBy } from './UsedBy';

/** A volume in use cannot be removed: this says by whom and what to do, and offers no removal. */
export function InUseDialog({ volume, onClose }: { volume: VolumeRow; onClose: () => void }) {
  const n = volume.usedBy.length;
  return (
    <Dialog title={`${volume.name} is in use`} onClose={onClose}>
      <div className="space-y-3 p-5 text-sm">
        <p>{n ? <>It is mounted by {plural(n, 'container')}: <UsedBy users={volume.usedBy} withTarget />.</> : <>The engine counts {plural(volume.refCount ?? 0, 'container')} using it.</>}</p>
        <p>The engine refuses to remove a volume while a container holds it, stopped ones included. Remove {n > 1 ? 'those containers' : 'that container'} first (from its page or the Containers list), then remove the volume. Nothing was removed.</p>
        <div className="flex justify-end"><button type="button" className="btn" onClick={onClose}>Close</button></div>
      </div>
    </Dialog>
  );
}

export function RemoveDialog({ volume, onConfirm, onCancel }: { volume: VolumeRow; onConfirm: () => void; onCancel: () => void }) {
  return (
    <ConfirmDialog title={`Remove volume ${volume.name}?`} confirmLabel="Remove volume" onConfirm={onConfirm} onCancel={onCancel}>
      <p>This deletes the volume <strong>{volume.name}</strong> and the data in it{volume.size !== undefined ? ` (${bytes(volume.size)})` : ''}. This cannot be undone.</p>
    </ConfirmDialog>
  );
}

export function PruneDialog({ volumes, onConfirm, onCancel }: { volumes: VolumeRow[]; onConfirm: () => void; onCancel: () => void }) {
  const s = pruneSummary(volumes);
  const kept = volumes.filter((v) => !isUnused(v)).length;
  const names = s.names.slice(0, 8).join(', ') + (s.names.length > 8 ? `, and ${s.names.length - 8} more` : '');
  return (
    <ConfirmDialog title={`Prune ${plural(s.names.length, 'unused volume')}?`} confirmLabel={`Remove ${plural(s.names.length, 'volume')}`} onConfirm={onConfirm} onCancel={onCancel}>
      <p>This removes <strong>{plural(s.names.length, 'volume')}</strong> no container uses — {names} — and frees <strong>{bytes(s.size)}</strong>{s.sizeUnknown ? ' or more (the engine did not report every size)' : ''}. Their data is deleted; this cannot be undone.</p>
      {kept > 0 && <p>{plural(kept, 'volume')} in use {kept === 1 ? 'stays' : 'stay'}.</p>}
    </ConfirmDialog>
  );
}
