// A fixed-row-height virtual list: only the rows in view (plus a margin) are in the DOM, so
// 100,000 log lines or 1,000 containers draw at once. Each row carries its place in the whole
// (aria-posinset / aria-setsize), since a screen reader sees only the rows in the DOM. As the body
// of a role=table (`rowgroup`), each row carries its aria-rowindex instead (the header's rows first).
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

export function VirtualList({ count, rowHeight, render, follow = false, className = '', label, scrollToIndex, rowgroup, grewAtTop }: {
  count: number; rowHeight: number; render: (index: number) => ReactNode; follow?: boolean; className?: string; label: string; scrollToIndex?: number | undefined;
  /** Rows of a role=table: `headerRows` is how many rows the table has above these (for aria-rowindex). */
  rowgroup?: { headerRows: number } | undefined;
  /** Rows just added above the others (a newest-first feed), once per `key`: scrolled down, the rows
   * in view stay where they are; at the top, the new rows come into view. */
  grewAtTop?: { rows: number; key: number } | undefined;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    setHeight(el.clientHeight);
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    const el = ref.current;
    if (follow && el) { el.scrollTop = el.scrollHeight; setScrollTop(el.scrollTop); }
  }, [count, follow]);
  useEffect(() => {
    const el = ref.current;
    if (el && scrollToIndex !== undefined && scrollToIndex >= 0) {
      el.scrollTop = Math.max(0, scrollToIndex * rowHeight - el.clientHeight / 2);
      setScrollTop(el.scrollTop);
    }
  }, [scrollToIndex, rowHeight]);
  const grew = grewAtTop?.rows ?? 0;
  const grewKey = grewAtTop?.key;
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && grew > 0 && el.scrollTop > 0) { el.scrollTop += grew * rowHeight; setScrollTop(el.scrollTop); }
  }, [grewKey, grew, rowHeight]);
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - 20);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + 20);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const place = rowgroup ? { role: 'row', 'aria-rowindex': rowgroup.headerRows + i + 1 } : { role: 'listitem', 'aria-setsize': count, 'aria-posinset': i + 1 };
    rows.push(<div key={i} {...place} style={{ position: 'absolute', top: i * rowHeight, height: rowHeight, left: 0, right: 0 }}>{render(i)}</div>);
  }
  return (
    <div ref={ref} role={rowgroup ? 'rowgroup' : 'list'} aria-label={label} tabIndex={0} className={`relative overflow-auto ${className}`} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      <div style={{ height: count * rowHeight, position: 'relative' }}>{rows}</div>
    </div>
  );
}
