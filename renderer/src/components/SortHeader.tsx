export interface SortState<K extends string> { key: K; dir: 1 | -1 }

/** A table's column header that sorts by its key: a first press ascending, the next reversing. */
export function SortHeader<K extends string>({ sortKey, label, sort, onSort }: { sortKey: K; label: string; sort: SortState<K>; onSort: (next: SortState<K>) => void }) {
  const active = sort.key === sortKey;
  return (
    <th className="th" aria-sort={active ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}>
      <button className="uppercase" onClick={() => onSort({ key: sortKey, dir: active ? (-sort.dir as 1 | -1) : 1 })}>
        {label}{active ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );
}
