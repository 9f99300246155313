// Rows of key = value pairs with add and remove, each input labelled for screen readers.
export interface KeyValue { key: string; value: string }

export function KeyValueEditor({ legend, noun, rows, onChange, keyHint }: {
  legend: string; noun: string; rows: KeyValue[]; onChange: (rows: KeyValue[]) => void; keyHint: string;
}) {
  const set = (i: number, patch: Partial<KeyValue>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="space-y-2">
      <legend className="label">{legend}</legend>
      {rows.map((r, i) => (
        <div key={i} className="grid grid-cols-[1fr_1fr_auto] gap-2">
          <input aria-label={`${noun} ${i + 1} key`} className="input font-mono" placeholder={keyHint} value={r.key} onChange={(e) => set(i, { key: e.target.value })} />
          <input aria-label={`${noun} ${i + 1} value`} className="input font-mono" placeholder="value" value={r.value} onChange={(e) => set(i, { value: e.target.value })} />
          <button type="button" className="btn btn-sm" aria-label={`Remove ${noun.toLowerCase()} ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>✕</button>
        </div>
      ))}
      <button type="button" className="btn btn-sm" onClick={() => onChange([...rows, { key: '', value: '' }])}>+ {noun}</button>
    </fieldset>
  );
}

/** The filled rows as a record; the problems (an empty key with a value, a repeated key) in words. */
export function toRecord(rows: KeyValue[], noun: string): { record: Record<string, string>; errors: string[] } {
  const record: Record<string, string> = {};
  const errors: string[] = [];
  for (const [i, r] of rows.entries()) {
    const key = r.key.trim();
    if (!key) { if (r.value) errors.push(`${noun} ${i + 1}: the key is empty`); continue; }
    if (key.includes('=')) errors.push(`${noun} ${i + 1}: a key has no =`);
    else if (key in record) errors.push(`${noun} '${key}' appears twice`);
    else record[key] = r.value;
  }
  return { record, errors };
}
