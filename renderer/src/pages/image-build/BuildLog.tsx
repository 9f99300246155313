// The build's output as it streams: steps highlighted, cache hits marked, the end kept in view.
import { useEffect, useRef } from 'react';
import { isCacheLine, isStepLine } from '@shared/build-lines';

export function BuildLog({ lines, partial }: { lines: string[]; partial: string }) {
  const box = useRef<HTMLDivElement>(null);
  const all = partial ? [...lines, partial] : lines;
  useEffect(() => {
    const el = box.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines.length, partial]);
  return (
    // Focusable, so a keyboard user can scroll it; a log region, so a screen reader hears new steps.
    <div ref={box} role="log" aria-label="Build output" tabIndex={0} data-testid="build-log"
      className="max-h-[28rem] min-h-[8rem] overflow-auto rounded-md bg-slate-950 p-3 font-mono text-xs leading-5 text-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-accent-500">
      {all.length === 0 && <div className="text-slate-300">The engine's output appears here.</div>}
      {all.map((line, i) => (
        isStepLine(line) ? <div key={i} data-kind="step" className="mt-1 whitespace-pre-wrap font-bold text-sky-300 [overflow-wrap:anywhere]">{line}</div>
        : isCacheLine(line) ? <div key={i} data-kind="cache" className="whitespace-pre-wrap text-emerald-300">{line}</div>
        : <div key={i} className="whitespace-pre-wrap [overflow-wrap:anywhere]">{line || ' '}</div>
      ))}
    </div>
  );
}
