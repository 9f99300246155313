// A failed image removal, with the next step offered where the engine allows one: an image in
// use (409) can be removed anyway, which the message (from the engine layer) explains per engine.
import { ApiCallError } from '@shared/client';
import { ErrorBox } from '../components/Notice';

export function removedText(ref: string, removed: string[]): string {
  const deleted = removed.some((r) => r.startsWith('sha256:'));
  return deleted ? `Removed ${ref}.` : `Untagged ${ref}; the image itself stays, under its other tags or for the containers that use it.`;
}

export function ImageRemoveError({ error, onForce, pending, onDismiss }: { error: Error; onForce: () => void; pending: boolean; onDismiss: () => void }) {
  const inUse = error instanceof ApiCallError && error.status === 409;
  return (
    <ErrorBox title="Could not remove the image" message={error.message} onDismiss={onDismiss}
      action={inUse ? <button className="btn btn-sm btn-danger" disabled={pending} onClick={onForce}>Remove anyway</button> : undefined} />
  );
}
