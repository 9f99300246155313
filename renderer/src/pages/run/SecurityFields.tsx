// Process and privilege switches: --init, --read-only, --privileged, --cap-add / --cap-drop.
import { fieldId, type AdvancedForm } from '@shared/run-advanced-form';
import { CAPABILITIES } from '@shared/run-advanced-values';
import { Check, TextField } from './Fields';

type Props = { form: AdvancedForm; set: (patch: Partial<AdvancedForm>) => void; errors: Map<string, string> };

export function SecurityFields({ form, set, errors }: Props) {
  return (
    <div className="grid gap-3">
      <div className="grid gap-3 sm:grid-cols-3">
        <Check checked={form.init} onChange={(v) => set({ init: v })} label="Init process (--init)" hint="A tiny init as PID 1 reaps zombies and passes signals on." />
        <Check checked={form.readOnly} onChange={(v) => set({ readOnly: v })} label="Read-only root (--read-only)" hint="Only volumes and binds can be written." />
        <Check checked={form.privileged} onChange={(v) => set({ privileged: v })} label="Privileged (--privileged)" hint="Every capability and device of the host: use only for trusted images." />
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField id={fieldId.capAdd} label="Add capabilities" mono list="adv-cap-names" value={form.capAdd} onChange={(v) => set({ capAdd: v })} placeholder="NET_ADMIN, SYS_PTRACE"
          error={errors.get(fieldId.capAdd)} hint="Names separated by commas, or ALL." />
        <TextField id={fieldId.capDrop} label="Drop capabilities" mono list="adv-cap-names" value={form.capDrop} onChange={(v) => set({ capDrop: v })} placeholder="NET_RAW"
          error={errors.get(fieldId.capDrop)} hint="Names separated by commas, or ALL." />
      </div>
      <datalist id="adv-cap-names">{CAPABILITIES.map((c) => <option key={c} value={c} />)}</datalist>
    </div>
  );
}
