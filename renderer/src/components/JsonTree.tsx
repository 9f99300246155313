// Collapsible JSON, using <details> so it is keyboard-accessible for free.
export function JsonTree({ value, name, depth = 0 }: { value: unknown; name?: string; depth?: number }) {
  const key = name !== undefined ? <span className="text-sky-700 dark:text-sky-300">{name}: </span> : null;
  if (value === null || typeof value !== 'object') {
    const cls = typeof value === 'string' ? 'text-emerald-700 dark:text-emerald-300' : typeof value === 'number' ? 'text-amber-700 dark:text-amber-300' : 'text-fuchsia-700 dark:text-fuchsia-300';
    return <div className="pl-4 font-mono text-xs leading-5">{key}<span className={cls}>{JSON.stringify(value)}</span></div>;
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
  const summary = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  return (
    <details open={depth < 1} className="pl-4 font-mono text-xs leading-5">
      <summary className="cursor-pointer select-none">{key}<span className="text-slate-500 dark:text-slate-400">{summary}</span></summary>
      {entries.map(([k, v]) => <JsonTree key={k} name={k} value={v} depth={depth + 1} />)}
    </details>
  );
}
