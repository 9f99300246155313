// Rows that keep their places while the pointer is over a list: a row that leaves the data stays
// where it was (marked gone) and new rows go at the end, so the row under the pointer is still the
// one the user aimed at when the click lands. Once the pointer leaves, the list is the data again.
export interface HeldRow<T> { row: T; gone: boolean }

export function holdRows<T extends { id: string }>(shown: readonly HeldRow<T>[], next: readonly T[], holding: boolean): HeldRow<T>[] {
  if (!holding) return next.map((row) => ({ row, gone: false }));
  const byId = new Map(next.map((r) => [r.id, r]));
  const kept = shown.map((h) => {
    const now = byId.get(h.row.id);
    return now ? { row: now, gone: false } : { row: h.row, gone: true };
  });
  const placed = new Set(shown.map((h) => h.row.id));
  return [...kept, ...next.filter((r) => !placed.has(r.id)).map((row) => ({ row, gone: false }))];
}
