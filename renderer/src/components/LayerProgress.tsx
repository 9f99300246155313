// One progress bar per layer, for pulls and pushes.
import type { Layer } from '../lib/layer-progress';
import { bytes } from '../lib/format';

export function LayerProgress({ layers, label }: { layers: Layer[]; label: string }) {
  if (layers.length === 0) return null;
  return (
    <ul className="mt-3 space-y-1.5" aria-label={label}>
      {layers.map((l) => {
        const finished = /complete|already exists|^pushed|mounted from/i.test(l.status);
        const pct = finished ? 100 : l.total ? Math.min(100, ((l.current ?? 0) / l.total) * 100) : 0;
        return (
          <li key={l.id} className="grid grid-cols-[7rem_1fr_12rem] items-center gap-2 text-xs" data-testid="layer-row">
            <span className="font-mono">{l.id}</span>
            <progress className="h-2 w-full" max={100} value={pct} aria-label={`layer ${l.id}`} />
            <span className="truncate text-slate-500 dark:text-slate-400">{l.status}{l.total && !finished ? ` ${bytes(l.current)} / ${bytes(l.total)}` : ''}</span>
          </li>
        );
      })}
    </ul>
  );
}
