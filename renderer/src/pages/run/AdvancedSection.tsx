// The run dialog's Advanced section: a disclosure (a button with aria-expanded) over the health
// check, name resolution, ulimits, labels and privilege settings.
import { useState } from 'react';
import { fieldId, type AdvancedForm } from '@shared/run-advanced-form';
import { KeyValueEditor } from '../volumes/KeyValueEditor';
import { FieldError } from './Fields';
import { HealthFields } from './HealthFields';
import { NameFields } from './NameFields';
import { UlimitFields } from './UlimitFields';
import { SecurityFields } from './SecurityFields';

export function AdvancedSection({ form, onChange, errors, count }: {
  form: AdvancedForm; onChange: (f: AdvancedForm) => void; errors: Map<string, string>; count: number;
}) {
  const [open, setOpen] = useState(false);
  const set = (patch: Partial<AdvancedForm>) => onChange({ ...form, ...patch });
  const summary = errors.size ? `${errors.size} to fix` : count ? `${count} set` : 'health check, DNS, hosts, ulimits, labels, privileges';
  return (
    <section aria-labelledby="run-advanced-toggle" className="rounded-lg border border-slate-200 dark:border-slate-800">
      <h3 className="m-0">
        <button type="button" id="run-advanced-toggle" aria-expanded={open} aria-controls="run-advanced"
          className="flex w-full items-center gap-2 rounded-lg px-4 py-3 text-left font-semibold hover:bg-slate-50 focus-visible:outline focus-visible:outline-2 dark:hover:bg-slate-800"
          onClick={() => setOpen(!open)}>
          <span aria-hidden="true" className={`inline-block ${open ? 'rotate-90' : ''}`}>▸</span>
          Advanced
          <span className={`ml-2 text-xs font-normal ${errors.size ? 'text-red-700 dark:text-red-300' : 'text-slate-500 dark:text-slate-400'}`}>{summary}</span>
        </button>
      </h3>
      <div id="run-advanced" hidden={!open} className="grid gap-5 border-t border-slate-200 p-4 dark:border-slate-800">
        <HealthFields form={form} set={set} errors={errors} />
        <NameFields form={form} set={set} errors={errors} />
        <div className="grid gap-5 lg:grid-cols-2">
          <UlimitFields form={form} set={set} errors={errors} />
          <div>
            <KeyValueEditor legend="Labels" noun="Label" keyHint="com.example.team" rows={form.labels} onChange={(labels) => set({ labels })} />
            <FieldError id={fieldId.labels} error={errors.get(fieldId.labels)} />
          </div>
        </div>
        <SecurityFields form={form} set={set} errors={errors} />
      </div>
    </section>
  );
}
