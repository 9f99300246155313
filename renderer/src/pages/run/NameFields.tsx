// Name resolution inside the container: DNS servers and search domains (resolv.conf), and extra
// /etc/hosts entries (host-gateway is the host's address as the engine sees it).
import { fieldId, type AdvancedForm } from '@shared/run-advanced-form';
import { FieldError, TextField, fieldProps } from './Fields';

type Props = { form: AdvancedForm; set: (patch: Partial<AdvancedForm>) => void; errors: Map<string, string> };

export function NameFields({ form, set, errors }: Props) {
  const hosts = form.hosts;
  const setHost = (i: number, patch: Partial<{ name: string; ip: string }>) => set({ hosts: hosts.map((h, j) => (j === i ? { ...h, ...patch } : h)) });
  return (
    <div className="grid gap-3">
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField id={fieldId.dns} label="DNS servers" mono value={form.dns} onChange={(v) => set({ dns: v })} placeholder="1.1.1.1, 9.9.9.9"
          error={errors.get(fieldId.dns)} hint="IP addresses, separated by commas; empty keeps the engine's." />
        <TextField id={fieldId.dnsSearch} label="DNS search domains" mono value={form.dnsSearch} onChange={(v) => set({ dnsSearch: v })} placeholder="corp.example.com"
          error={errors.get(fieldId.dnsSearch)} hint="Domains tried for short names." />
      </div>
      <fieldset>
        <legend className="label">Extra hosts (/etc/hosts)</legend>
        {hosts.map((h, i) => {
          const nameErr = errors.get(fieldId.hostName(i));
          const ipErr = errors.get(fieldId.hostIp(i));
          return (
            <div key={i} className="mb-1.5">
              <div className="flex gap-2">
                <input {...fieldProps(fieldId.hostName(i), 'input font-mono', nameErr)} aria-label={`Extra host ${i + 1} name`} placeholder="db.local" value={h.name}
                  onChange={(e) => setHost(i, { name: e.target.value })} />
                <input {...fieldProps(fieldId.hostIp(i), 'input font-mono', ipErr)} aria-label={`Extra host ${i + 1} IP address`} placeholder="10.0.0.5 or host-gateway" list="adv-host-ip-hints" value={h.ip}
                  onChange={(e) => setHost(i, { ip: e.target.value })} />
                <button type="button" className="btn btn-sm" aria-label={`Remove extra host ${i + 1}`} onClick={() => set({ hosts: hosts.filter((_, j) => j !== i) })}>✕</button>
              </div>
              <FieldError id={fieldId.hostName(i)} error={nameErr} />
              <FieldError id={fieldId.hostIp(i)} error={ipErr} />
            </div>
          );
        })}
        <datalist id="adv-host-ip-hints"><option value="host-gateway" /></datalist>
        <button type="button" className="btn btn-sm" onClick={() => set({ hosts: [...hosts, { name: '', ip: '' }] })}>+ Host</button>
      </fieldset>
    </div>
  );
}
