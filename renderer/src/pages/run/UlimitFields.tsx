// --ulimit rows: a limit, its soft value and its hard value (the soft one at most the hard one).
import { fieldId, type AdvancedForm } from '@shared/run-advanced-form';
import { ULIMIT_NAMES } from '@shared/run-advanced-values';
import { FieldError, invalidProps } from './Fields';

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
              <select id={name.id} aria-label={`Ulimit ${i + 1} name`} className="input w-40" value={r.name} onChange={(e) => setRow(i, { name: e.target.value })} {...invalidProps(name.id, name.err)}>
                {ULIMIT_NAMES.map((n) => <option key={n}>{n}</option>)}
              </select>
              <input id={soft.id} aria-label={`Ulimit ${i + 1} soft limit`} className="input" inputMode="numeric" placeholder="soft" value={r.soft} onChange={(e) => setRow(i, { soft: e.target.value })} {...invalidProps(soft.id, soft.err)} />
              <input id={hard.id} aria-label={`Ulimit ${i + 1} hard limit`} className="input" inputMode="numeric" placeholder="hard (= soft)" value={r.hard} onChange={(e) => setRow(i, { hard: e.target.value })} {...invalidProps(hard.id, hard.err)} />
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
