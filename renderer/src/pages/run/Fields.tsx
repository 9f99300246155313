// A labelled input with its problem in words right under it (aria-invalid + aria-describedby),
// for the run dialog's Advanced section.
import type { ReactNode } from 'react';

export function FieldError({ id, error }: { id: string; error?: string | undefined }) {
  return error ? <p id={`${id}-error`} className="mt-1 text-xs text-red-700 dark:text-red-300" data-testid="field-error">{error}</p> : null;
}

/** An input's id and class, and when it holds a problem the attributes that tie it to its error
 * and a red border (important: `.input` sits outside Tailwind's layers and would win). */
export function fieldProps(id: string, className: string, error?: string | undefined) {
  return error
    ? { id, className: `${className} border-red-600! dark:border-red-400!`, 'aria-invalid': true as const, 'aria-describedby': `${id}-error` }
    : { id, className };
}

export function TextField({ id, label, value, onChange, error, placeholder, hint, mono, disabled, list }: {
  id: string; label: string; value: string; onChange: (v: string) => void; error?: string | undefined; placeholder?: string;
  hint?: ReactNode; mono?: boolean; disabled?: boolean; list?: string;
}) {
  return (
    <div>
      <label className="label" htmlFor={id}>{label}</label>
      <input {...fieldProps(id, mono ? 'input font-mono' : 'input', error)} value={value} placeholder={placeholder}
        disabled={disabled} list={list} onChange={(e) => onChange(e.target.value)} />
      {hint && !error && <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">{hint}</p>}
      <FieldError id={id} error={error} />
    </div>
  );
}

export function Check({ checked, onChange, label, hint }: { checked: boolean; onChange: (v: boolean) => void; label: string; hint: string }) {
  return (
    <label className="flex items-start gap-2 text-sm">
      <input type="checkbox" className="mt-1" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <span><span className="font-medium">{label}</span><span className="block text-xs text-slate-500 dark:text-slate-400">{hint}</span></span>
    </label>
  );
}
