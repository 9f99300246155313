// Health check: the image's own, a command of ours, or none; and its timings (Go durations).
import { fieldId, type AdvancedForm, type HealthMode } from '@shared/run-advanced-form';
import { TextField } from './Fields';

type Props = { form: AdvancedForm; set: (patch: Partial<AdvancedForm>) => void; errors: Map<string, string> };

export function HealthFields({ form, set, errors }: Props) {
  const none = form.healthMode === 'none';
  return (
    <fieldset className="grid gap-3">
      <legend className="label">Health check</legend>
      <div className="grid gap-3 sm:grid-cols-[minmax(0,12rem)_minmax(0,1fr)]">
        <div>
          <label className="label" htmlFor="adv-health-mode">Check</label>
          <select id="adv-health-mode" className="input" value={form.healthMode} onChange={(e) => set({ healthMode: e.target.value as HealthMode })}>
            <option value="image">the image's own (if any)</option>
            <option value="command">run a command</option>
            <option value="none">none (disable the image's)</option>
          </select>
        </div>
        {form.healthMode === 'command' && (
          <TextField id={fieldId.healthCmd} label="Health command" mono value={form.healthCmd} onChange={(v) => set({ healthCmd: v })}
            placeholder="wget -q -O /dev/null localhost || exit 1" error={errors.get(fieldId.healthCmd)} hint="Runs with /bin/sh -c in the container; exit 0 means healthy." />
        )}
      </div>
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <TextField id={fieldId.healthInterval} label="Interval" value={form.healthInterval} onChange={(v) => set({ healthInterval: v })} placeholder="30s" disabled={none} error={errors.get(fieldId.healthInterval)} />
        <TextField id={fieldId.healthTimeout} label="Timeout" value={form.healthTimeout} onChange={(v) => set({ healthTimeout: v })} placeholder="30s" disabled={none} error={errors.get(fieldId.healthTimeout)} />
        <TextField id={fieldId.healthStartPeriod} label="Start period" value={form.healthStartPeriod} onChange={(v) => set({ healthStartPeriod: v })} placeholder="0s" disabled={none} error={errors.get(fieldId.healthStartPeriod)} />
        <TextField id={fieldId.healthRetries} label="Retries" value={form.healthRetries} onChange={(v) => set({ healthRetries: v })} placeholder="3" disabled={none} error={errors.get(fieldId.healthRetries)} />
      </div>
    </fieldset>
  );
}
