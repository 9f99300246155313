// crun's conversions from v1 values to v2 weights (the C runtime has the same, in convert.c).

/** cpu shares (2..262144, default 1024) -> cpu.weight (1..10000, default 100); 0 = unset. */
export function sharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  if (shares <= 2) return 1;
  if (shares >= 262144) return 10000;
  const l = Math.log2(shares);
  const exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
  return Math.ceil(10 ** exponent);
}

/** blkio weight (10..1000) -> io.weight (1..10000); 0 = unset. */
export function blkioToIoWeight(w: number): number {
  if (w === 0) return 0;
  if (w <= 10) return 1;
  if (w >= 1000) return 10000;
  return 1 + Math.floor(((w - 10) * 9999) / 990);
}
