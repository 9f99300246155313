// The memory.stat keys Docker reports (it copies a fixed set, not the whole file), so `stats`
// from Berth and from dockerd hold the same keys for the same container.

export const V1_MEMORY_STAT_KEYS = new Set([
  'active_anon',
  'active_file',
  'cache',
  'dirty',
  'hierarchical_memory_limit',
  'hierarchical_memsw_limit',
  'inactive_anon',
  'inactive_file',
  'mapped_file',
  'pgfault',
  'pgmajfault',
  'pgpgin',
  'pgpgout',
  'rss',
  'rss_huge',
  'total_active_anon',
  'total_active_file',
  'total_cache',
  'total_dirty',
  'total_inactive_anon',
  'total_inactive_file',
  'total_mapped_file',
  'total_pgfault',
  'total_pgmajfault',
  'total_pgpgin',
  'total_pgpgout',
  'total_rss',
  'total_rss_huge',
  'total_unevictable',
  'total_writeback',
  'unevictable',
  'writeback',
]);

export const V2_MEMORY_STAT_KEYS = new Set([
  'anon',
  'file',
  'kernel_stack',
  'slab',
  'sock',
  'shmem',
  'file_mapped',
  'file_dirty',
  'file_writeback',
  'anon_thp',
  'inactive_anon',
  'active_anon',
  'inactive_file',
  'active_file',
  'unevictable',
  'slab_reclaimable',
  'slab_unreclaimable',
  'pgfault',
  'pgmajfault',
  'workingset_refault',
  'workingset_activate',
  'workingset_nodereclaim',
  'pgrefill',
  'pgscan',
  'pgsteal',
  'pgactivate',
  'pgdeactivate',
  'pglazyfree',
  'pglazyfreed',
  'thp_fault_alloc',
  'thp_collapse_alloc',
]);

/** The keys of `all` that Docker reports, sorted as Go encodes a map. */
export function dockerMemoryStats(all: Record<string, number>, keys: Set<string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(all).sort()) if (keys.has(key)) out[key] = all[key]!;
  return out;
}
