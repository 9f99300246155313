// Tar as dockerd writes it (Go's archive/tar through docker's pkg/archive): USTAR headers
// ("ustar\0" "00", 7-digit octal fields ending in NUL, devmajor/devminor always written), the
// file type bits in the mode field (0100644, 040755, 0120777), user and group names, a PAX
// header only for what USTAR cannot hold (a long path or link target), and two zero blocks at
// the end with no padding to a 10 KiB record. `docker cp` and `docker export` read the same
// bytes from berthd as from dockerd.

export type GoTarType = 'file' | 'link' | 'symlink' | 'directory' | 'character-device' | 'block-device' | 'fifo';

export interface GoTarEntry {
  name: string;
  type: GoTarType;
  /** Permission, setuid, setgid and sticky bits (the file type bits are added here). */
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  linkname: string;
  devmajor: number;
  devminor: number;
}

const typeFlag: Record<GoTarType, string> = { file: '0', link: '1', symlink: '2', 'character-device': '3', 'block-device': '4', directory: '5', fifo: '6' };
// docker's fillGo18FileTypeBits; a hard link carries its file's (regular) bits.
const typeBits: Record<GoTarType, number> = { file: 0o100000, link: 0o100000, symlink: 0o120000, 'character-device': 0o20000, 'block-device': 0o60000, directory: 0o40000, fifo: 0o10000 };

// Code points, not a control-character regular expression (which the lint refuses).
const isAscii = (s: string): boolean => [...s].every((c) => c.charCodeAt(0) < 0x80);

/** Go's formatOctal: zero-padded to the field less one byte, then NUL. */
function octal(buf: Buffer, offset: number, size: number, value: number): void {
  const s = Math.max(0, Math.floor(value)).toString(8);
  const text = s.length < size ? s.padStart(size - 1, '0') : s.slice(-size);
  buf.write(text, offset, 'latin1');
  if (text.length < size) buf[offset + text.length] = 0;
}

/** Go's formatString: the bytes as they fit, non-ASCII replaced (toASCII drops them). */
function str(buf: Buffer, offset: number, size: number, value: string): void {
  buf.write([...value].filter((c) => c.charCodeAt(0) < 0x80).join('').slice(0, size), offset, 'latin1');
}

/** Go's splitUSTARPath: a name over 100 bytes split at a '/' into prefix (155) and name (100). */
function splitUstar(name: string): [string, string] | undefined {
  if (name.length <= 100 || !isAscii(name)) return undefined;
  let length = name.length;
  if (length > 156) length = 156;
  else if (name[length - 1] === '/') length--;
  const i = name.lastIndexOf('/', length - 1);
  const nlen = name.length - i - 1;
  if (i <= 0 || nlen > 100 || nlen === 0 || i > 155) return undefined;
  return [name.slice(0, i), name.slice(i + 1)];
}

function checksum(block: Buffer): void {
  block.fill(' ', 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  octal(block, 148, 7, sum);
}

function header(e: GoTarEntry, name: string, prefix: string): Buffer {
  const b = Buffer.alloc(512);
  str(b, 0, 100, name);
  octal(b, 100, 8, (e.mode & 0o7777) | typeBits[e.type]);
  octal(b, 108, 8, e.uid);
  octal(b, 116, 8, e.gid);
  octal(b, 124, 12, e.type === 'file' ? e.size : 0);
  octal(b, 136, 12, e.mtime);
  b.write(typeFlag[e.type], 156, 'latin1');
  str(b, 157, 100, e.linkname);
  b.write('ustar\0' + '00', 257, 'latin1');
  str(b, 265, 32, e.uname);
  str(b, 297, 32, e.gname);
  octal(b, 329, 8, e.devmajor);
  octal(b, 337, 8, e.devminor);
  str(b, 345, 155, prefix);
  checksum(b);
  return b;
}

/** A PAX record, "%d %s=%s\n" with its own length counted in. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

/** Zeros from the end of an entry's data to the next 512-byte block. */
export const goTarPadding = (size: number): Buffer => Buffer.alloc((512 - (size % 512)) % 512);

/** The header block(s) of one entry; the caller writes its data and then `padding(size)`. */
export function goTarHeader(e: GoTarEntry): Buffer {
  const split = splitUstar(e.name);
  const nameFits = e.name.length <= 100 && isAscii(e.name);
  const linkFits = e.linkname.length <= 100 && isAscii(e.linkname);
  if ((nameFits || split) && linkFits) return split ? header(e, split[1], split[0]) : header(e, e.name, '');
  const records = [...(nameFits || split ? [] : [paxRecord('path', e.name)]), ...(linkFits ? [] : [paxRecord('linkpath', e.linkname)])].sort().join('');
  const data = Buffer.from(records);
  const slash = e.name.replace(/\/+$/, '').lastIndexOf('/');
  const trimmed = e.name.replace(/\/+$/, '');
  const paxName = (slash >= 0 ? `${trimmed.slice(0, slash)}/PaxHeaders.0/${trimmed.slice(slash + 1)}` : `PaxHeaders.0/${trimmed}`).slice(0, 100).replace(/\/+$/, '');
  const x = Buffer.alloc(512);
  str(x, 0, 100, paxName);
  for (const [off, size] of [[100, 8], [108, 8], [116, 8], [136, 12]] as const) octal(x, off, size, 0);
  octal(x, 124, 12, data.length);
  x.write('x', 156, 'latin1');
  x.write('ustar\0' + '00', 257, 'latin1');
  checksum(x);
  return Buffer.concat([x, data, goTarPadding(data.length), header(e, e.name, '')]);
}

/** The end of the archive: two zero blocks. */
export const goTarEnd = (): Buffer => Buffer.alloc(1024);
