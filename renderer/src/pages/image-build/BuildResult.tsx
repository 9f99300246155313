// The image a build made: its ID and tags, a link to its details, and Run.
import { shortId } from '../../lib/format';

export function BuildResult({ imageId, tags, onRun }: { imageId: string; tags: string[]; onRun: () => void }) {
  return (
    <section aria-label="Build result" className="rounded-lg border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100">
      <div role="status" className="font-semibold">Built image {shortId(imageId)}</div>
      <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
        <dt>Image ID</dt><dd className="font-mono text-xs [overflow-wrap:anywhere]" data-testid="build-image-id">{imageId}</dd>
        <dt>Tags</dt><dd>{tags.length ? tags.join(', ') : 'none (an untagged image; tag it from its details page)'}</dd>
      </dl>
      <div className="mt-2 flex gap-2">
        <a className="btn" href={`#/images/${encodeURIComponent(imageId)}`}>Image details</a>
        <button type="button" className="btn btn-primary" onClick={onRun}>Run…</button>
      </div>
    </section>
  );
}
