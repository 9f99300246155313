// The resource controls shared by the run dialog and the live Resources tab: memory (slider +
// typed units + "no limit", scaled to the host), cpu shares (with what the number means), cpuset
// chips per core, pids limit and blkio weight.
import { useState } from 'react';
import type { ResourceSpec } from '@shared/contract';
import { parseMemory } from '@shared/run-command';
import { bytes } from '../lib/format';
import { StepSlider } from './StepSlider';

const MiB = 1024 * 1024;

export function memorySteps(total: number): number[] {
  const mib = [6, 8, 16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144, 8192, 12288, 16384, 24576, 32768, 49152, 65536, 131072, 262144];
  const steps = [0, ...mib.map((m) => m * MiB).filter((b) => !total || b <= total)];
  if (total && steps[steps.length - 1] !== total) steps.push(total);
  return steps;
}

export const SHARE_STEPS = [2, 16, 32, 64, 128, 256, 384, 512, 640, 768, 896, 1024, 1280, 1536, 2048, 3072, 4096, 8192, 16384, 262144];

/** A memory value as typed in the text box: "64M", "1.5G"; empty for no limit. */
function typedMemory(value: number): string {
  return value ? bytes(value).replace(' ', '').replace('iB', '') : '';
}

export function MemoryControl({ value, onChange, total, idPrefix }: { value: number; onChange: (v: number) => void; total: number; idPrefix: string }) {
  // The typed text follows the value (slider moves, resets) and is the user's while typing; it is
  // re-derived while rendering when the value changes (React's pattern for state that follows a prop).
  const [text, setText] = useState(() => typedMemory(value));
  const [textOf, setTextOf] = useState(value);
  if (textOf !== value) { setTextOf(value); setText(typedMemory(value)); }
  const [error, setError] = useState<string | null>(null);
  const fmt = (v: number) => (v === 0 ? 'no limit' : bytes(v));
  return (
    <div>
      <label className="label" htmlFor={`${idPrefix}-memory`}>Memory limit</label>
      <div className="flex items-center gap-3">
        <StepSlider id={`${idPrefix}-memory`} label="Memory limit" values={memorySteps(total)} value={value} format={fmt} onChange={onChange} />
        <input
          aria-label="Memory limit (typed, e.g. 64m or 1.5g; empty for no limit)"
          className="input w-28! shrink-0 font-mono"
          value={text}
          placeholder="no limit"
          onChange={(e) => setText(e.target.value)}
          onBlur={() => {
            if (!text.trim()) { setError(null); onChange(0); return; }
            try {
              const v = parseMemory(text);
              if (v !== 0 && v < 6 * MiB) throw new Error('the smallest memory limit is 6 MiB');
              if (total && v > total) throw new Error(`more than the host has (${bytes(total)})`);
              setError(null);
              onChange(v);
            } catch (e) {
              setError((e as Error).message);
            }
          }}
          onKeyDown={(e) => { if (e.key === 'Enter') (e.target as HTMLInputElement).blur(); }}
        />
        <output htmlFor={`${idPrefix}-memory`} className="w-24 shrink-0 whitespace-nowrap text-right text-sm font-semibold tabular-nums" data-testid={`${idPrefix}-memory-value`}>{fmt(value)}</output>
      </div>
      <div className="mt-1 text-xs text-slate-500 dark:text-slate-400">Scale: the host's {bytes(total)}. Type a value like 64m or 1.5g, or leave empty for no limit.</div>
      {error && <div role="alert" className="mt-1 text-xs text-red-600 dark:text-red-400">Memory: {error}</div>}
    </div>
  );
}

export function CpuSharesControl({ value, onChange, idPrefix }: { value: number; onChange: (v: number) => void; idPrefix: string }) {
  const v = value || 1024;
  return (
    <div>
      <label className="label" htmlFor={`${idPrefix}-shares`}>CPU shares (relative weight)</label>
      <div className="flex items-center gap-3">
        <StepSlider id={`${idPrefix}-shares`} label="CPU shares" values={SHARE_STEPS} value={v} format={(x) => `${x} shares`} onChange={onChange} />
        <output htmlFor={`${idPrefix}-shares`} className="w-24 shrink-0 whitespace-nowrap text-right text-sm font-semibold tabular-nums" data-testid={`${idPrefix}-shares-value`}>{v}</output>
      </div>
      <div className="mt-1 text-xs text-slate-500 dark:text-slate-400">
        Only matters when CPUs are busy: a container with 512 gets half the CPU time of one with the default 1024; an idle CPU is never held back.
      </div>
    </div>
  );
}

export function cpuQuotaSteps(ncpu: number): number[] {
  const steps = [0, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64].filter((c) => c <= Math.max(1, ncpu));
  if (ncpu > 1 && steps[steps.length - 1] !== ncpu) steps.push(ncpu);
  return steps;
}

export function CpuQuotaControl({ value, onChange, ncpu, idPrefix }: { value: number; onChange: (v: number) => void; ncpu: number; idPrefix: string }) {
  const steps = cpuQuotaSteps(ncpu);
  const v = steps.includes(value) ? value : steps.reduce((best, s) => (Math.abs(s - value) < Math.abs(best - value) ? s : best), 0);
  const fmt = (x: number) => (x === 0 ? 'no quota' : `${x} CPU${x === 1 ? '' : 's'}`);
  return (
    <div>
      <label className="label" htmlFor={`${idPrefix}-cpus`}>CPU quota (hard cap)</label>
      <div className="flex items-center gap-3">
        <StepSlider id={`${idPrefix}-cpus`} label="CPU quota" values={steps} value={v} format={fmt} onChange={onChange} />
        <output htmlFor={`${idPrefix}-cpus`} className="w-24 shrink-0 whitespace-nowrap text-right text-sm font-semibold tabular-nums">{fmt(value)}</output>
      </div>
      <div className="mt-1 text-xs text-slate-500 dark:text-slate-400">A cap even when CPUs are idle: 0.5 lets it run half of one CPU's time in each 100 ms period; past that it is throttled until the next period.</div>
    </div>
  );
}

export function CpusetChips({ ncpu, value, onChange }: { ncpu: number; value: string; onChange: (v: string) => void }) {
  const selected = new Set(expandCpuset(value));
  const toggle = (i: number) => {
    const next = new Set(selected);
    if (next.has(i)) next.delete(i); else next.add(i);
    onChange([...next].sort((a, b) => a - b).join(','));
  };
  return (
    <fieldset>
      <legend className="label">CPUs it may run on</legend>
      <div className="flex flex-wrap gap-2">
        {Array.from({ length: ncpu }, (_, i) => (
          <button key={i} type="button" aria-pressed={selected.has(i)} onClick={() => toggle(i)}
            className={`chip border px-3 py-1 ${selected.has(i) ? 'border-accent-600 bg-accent-600 text-white' : 'border-slate-300 bg-white text-slate-700 dark:border-slate-700 dark:bg-slate-800 dark:text-slate-200'}`}>
            CPU {i}
          </button>
        ))}
      </div>
      <div className="mt-1 text-xs text-slate-500 dark:text-slate-400">{selected.size === 0 ? 'None picked: all CPUs.' : `Pinned to ${[...selected].sort().join(', ')}.`}</div>
    </fieldset>
  );
}

export function expandCpuset(s: string): number[] {
  const out: number[] = [];
  for (const part of s.split(',').filter(Boolean)) {
    const [a, b] = part.split('-').map(Number);
    if (a === undefined || Number.isNaN(a)) continue;
    for (let i = a; i <= (b ?? a); i++) out.push(i);
  }
  return out;
}

export function ResourceControls({ value, onChange, total, ncpu, idPrefix }: { value: ResourceSpec; onChange: (r: ResourceSpec) => void; total: number; ncpu: number; idPrefix: string }) {
  const set = (patch: Partial<ResourceSpec>) => onChange({ ...value, ...patch });
  return (
    <div className="grid gap-5">
      <MemoryControl idPrefix={idPrefix} value={value.memory} total={total} onChange={(memory) => set({ memory })} />
      <CpuSharesControl idPrefix={idPrefix} value={value.cpuShares} onChange={(cpuShares) => set({ cpuShares })} />
      <CpuQuotaControl idPrefix={idPrefix} value={value.cpus ?? 0} ncpu={ncpu} onChange={(cpus) => set({ cpus })} />
      <CpusetChips ncpu={ncpu} value={value.cpusetCpus} onChange={(cpusetCpus) => set({ cpusetCpus })} />
      <div className="grid grid-cols-2 gap-4">
        <div>
          <label className="label" htmlFor={`${idPrefix}-pids`}>Process limit</label>
          <input id={`${idPrefix}-pids`} type="number" min={0} className="input" value={value.pidsLimit || ''} placeholder="no limit"
            onChange={(e) => set({ pidsLimit: Math.max(0, Number(e.target.value) || 0) })} />
        </div>
        <div>
          <label className="label" htmlFor={`${idPrefix}-blkio`}>Block I/O weight (10–1000)</label>
          <input id={`${idPrefix}-blkio`} type="number" min={0} max={1000} className="input" value={value.blkioWeight || ''} placeholder="default"
            onChange={(e) => set({ blkioWeight: Math.max(0, Number(e.target.value) || 0) })} />
          {value.blkioWeight > 0 && (value.blkioWeight < 10 || value.blkioWeight > 1000) && <div role="alert" className="mt-1 text-xs text-red-600">Between 10 and 1000, or empty for the default.</div>}
        </div>
      </div>
    </div>
  );
}
