import { portLinks } from '../lib/port-links';

/** A container's published ports; a TCP one opens in the browser (Electron: the system's). */
export function PortLinks({ ports, name }: { ports: readonly string[]; name: string }) {
  const links = portLinks(ports);
  if (!links.length) return null;
  return (
    <span className="inline-flex flex-wrap gap-x-2 font-mono text-[11px]" data-testid="port-links">
      {links.map((l) => l.url
        ? <a key={l.label} className="text-accent-600 hover:underline dark:text-accent-300" href={l.url} target="_blank" rel="noreferrer" aria-label={`Open port ${l.label} of ${name}`}>{l.label}</a>
        : <span key={l.label} className="text-slate-500 dark:text-slate-400">{l.label}</span>)}
    </span>
  );
}
