// Asks before something that cannot be undone, in the app's own dialog: it names what goes and
// what happens to it, and the safe answer is the default (Escape or Cancel).
import type { ReactNode } from 'react';
import { Dialog } from './Dialog';

export function ConfirmDialog({ title, children, confirmLabel, onConfirm, onCancel }: {
  title: string; children: ReactNode; confirmLabel: string; onConfirm: () => void; onCancel: () => void;
}) {
  return (
    <Dialog title={title} onClose={onCancel}>
      <div className="space-y-4 p-5 text-sm">
        <div className="space-y-2">{children}</div>
        <div className="flex justify-end gap-2">
          <button type="button" className="btn" onClick={onCancel}>Cancel</button>
          <button type="button" className="btn btn-danger" onClick={onConfirm}>{confirmLabel}</button>
        </div>
      </div>
    </Dialog>
  );
}
