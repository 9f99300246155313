// The API versions berthd serves. The docker CLI negotiates down to ours via /_ping.
export const apiVersion = '1.45';
export const minApiVersion = '1.24';

/** Compares "1.41" style versions numerically. */
export function compareApiVersions(a: string, b: string): number {
  const [amaj = 0, amin = 0] = a.split('.').map(Number);
  const [bmaj = 0, bmin = 0] = b.split('.').map(Number);
  return amaj !== bmaj ? amaj - bmaj : amin - bmin;
}
