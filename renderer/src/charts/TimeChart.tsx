// A live uPlot line chart with vertical markers where a resource limit changed.
import { useEffect, useLayoutEffect, useRef } from 'react';
import uPlot from 'uplot';
import { TIME_TICK_STEPS, timeTick } from '../lib/time-ticks';

export interface Marker { at: number; label: string }

/** Tick steps for byte axes: 1, 2, 4 … 512 of B, KiB, MiB, GiB, TiB (uPlot's own are decimal: "977 KiB"). */
const BINARY_INCRS = Array.from({ length: 5 }, (_, k) => Array.from({ length: 10 }, (_, i) => 2 ** i * 1024 ** k)).flat();

/**
 * `floor`: the least top of the y axis, so a series that stays at zero gets a readable scale
 * ("0 B, 512 KiB, 1 MiB") instead of ticks too small to tell apart ("0 B, 0 B, 0 B").
 */
export function TimeChart({ title, series, data, markers, format, floor = 1, binary = false, height = 160 }: {
  title: string;
  series: { label: string; color: string; dash?: number[] }[];
  data: [number[], ...(number | null)[][]];
  markers: Marker[];
  format: (v: number) => string;
  floor?: number;
  /** A byte scale: ticks at powers of two. */
  binary?: boolean;
  height?: number;
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const markersRef = useRef(markers);
  // Updated after commit, not during render, so a render React discards never leaves its value here.
  useLayoutEffect(() => { markersRef.current = markers; });
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const dark = document.documentElement.classList.contains('dark');
    const axisStroke = dark ? '#94a3b8' : '#475569';
    const grid = { stroke: dark ? '#1e293b' : '#e2e8f0', width: 1 };
    const opts: uPlot.Options = {
      width: el.clientWidth || 400,
      height,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max * 1.1, floor)] } },
      axes: [
        { stroke: axisStroke, grid, incrs: TIME_TICK_STEPS, space: 64,
          // The labels uPlot draws on its canvas, readable on the element (the e2e suite checks them).
          values: (_u, vals) => { const labels = vals.map(timeTick); el.dataset.timeTicks = labels.join(' '); return labels; } },
        { stroke: axisStroke, grid, size: 70, values: (_u, vals) => vals.map((v) => format(v)), ...(binary ? { incrs: BINARY_INCRS } : {}) },
      ],
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, dash: s.dash, value: (_u: uPlot, v: number | null) => (v == null ? '—' : format(v)) }))],
      hooks: {
        draw: [
          (u) => {
            const ctx = u.ctx;
            ctx.save();
            for (const m of markersRef.current) {
              const x = u.valToPos(m.at / 1000, 'x', true);
              if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
              ctx.strokeStyle = '#f59e0b';
              ctx.setLineDash([4, 3]);
              ctx.lineWidth = 2;
              ctx.beginPath();
              ctx.moveTo(x, u.bbox.top);
              ctx.lineTo(x, u.bbox.top + u.bbox.height);
              ctx.stroke();
              ctx.fillStyle = '#b45309';
              ctx.font = `${11 * devicePixelRatio}px sans-serif`;
              ctx.fillText(m.label, x + 4, u.bbox.top + 12 * devicePixelRatio);
            }
            ctx.restore();
          },
        ],
      },
    };
    plot.current = new uPlot(opts, data as uPlot.AlignedData, el);
    const ro = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth, height }));
    ro.observe(el);
    return () => { ro.disconnect(); plot.current?.destroy(); plot.current = null; };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- built once per shape (series count, height); new data and markers reach it through setData and the ref
  }, [series.length, height, floor, binary]);
  useEffect(() => { plot.current?.setData(data as uPlot.AlignedData); }, [data, markers]);
  return (
    <figure className="card p-3">
      <figcaption className="mb-1 text-sm font-semibold">{title}</figcaption>
      <div ref={host} role="img" aria-label={`${title} chart`} />
    </figure>
  );
}
