// --ulimit rows: a limit, its soft value and its hard value (the soft one at most the hard one).
import { fieldId, type AdvancedForm } from '@shared/run-advanced-form';
import { ULIMIT_NAMES } from '@shared/run-advanced-values';
import { FieldError, fieldProps } from './Fields';

type Props = { form: AdvancedForm; set: (patch: Partial<AdvancedForm>) => void; errors: Map<string, string> };
type Row = AdvancedForm['ulimits'][number];

export function UlimitFields({ form, set, errors }: Props) {
  const rows = form.ulimits;
  const setRow = (i: number, patch: Partial<Row>) => set({ ulimits: rows.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  return (
    <fieldset>
      <legend className="label">Ulimits</legend>
      <p className="mb-2 text-xs text-slate-500 dark:text-slate-400">Per-process limits, like open files (nofile). A process may raise its soft limit up to the hard one.</p>
      {rows.map((r, i) => {
        const parts = (['name', 'soft', 'hard'] as const).map((p) => ({ p, id: fieldId.ulimit(i, p), err: errors.get(fieldId.ulimit(i, p)) }));
        const [name, soft, hard] = parts as [typeof parts[0], typeof parts[0], typeof parts[0]];
        return (
          <div key={i} className="mb-1.5">
            <div className="flex gap-2">
              <select {...fieldProps(name.id, 'input w-40', name.err)} aria-label={`Ulimit ${i + 1} name`} value={r.name} onChange={(e) => setRow(i, { name: e.target.value })}>
                {ULIMIT_NAMES.map((n) => <option key={n}>{n}</option>)}
              </select>
              <input {...fieldProps(soft.id, 'input', soft.err)} aria-label={`Ulimit ${i + 1} soft limit`} inputMode="numeric" placeholder="soft" value={r.soft} onChange={(e) => setRow(i, { soft: e.target.value })} />
              <input {...fieldProps(hard.id, 'input', hard.err)} aria-label={`Ulimit ${i + 1} hard limit`} inputMode="numeric" placeholder="hard (= soft)" value={r.hard} onChange={(e) => setRow(i, { hard: e.target.value })} />
              <button type="button" className="btn btn-sm" aria-label={`Remove ulimit ${i + 1}`} onClick={() => set({ ulimits: rows.filter((_, j) => j !== i) })}>✕</button>
            </div>
            {parts.map((x) => <FieldError key={x.p} id={x.id} error={x.err} />)}
          </div>
        );
      })}
      <button type="button" className="btn btn-sm" onClick={() => set({ ulimits: [...rows, { name: 'nofile', soft: '', hard: '' }] })}>+ Ulimit</button>
    </fieldset>
  );
}
