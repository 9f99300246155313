// Dockerfile text -> instructions, as the legacy builder's parser reads it: parser directives
// (escape) at the top, comments, line continuations with the escape character, JSON or shell
// form, leading --flags. Variables are expanded later, per instruction (substitute.ts).
import { InvalidParameter } from '../api/errors.js';

export interface Instruction {
  /** Lower-case keyword: from, run, copy, ... */
  cmd: string;
  /** The instruction as written, continuations joined (what "Step N/M :" shows). */
  original: string;
  /** --name=value flags before the arguments. */
  flags: Record<string, string>;
  /** The text after the keyword and flags. */
  rest: string;
  /** JSON form (["a","b"]): its strings; undefined for the shell form. */
  json?: string[];
  line: number;
}

export interface Dockerfile { instructions: Instruction[]; escape: string }

const known = new Set(['from', 'run', 'cmd', 'entrypoint', 'copy', 'add', 'env', 'arg', 'workdir', 'user', 'expose', 'label',
  'volume', 'stopsignal', 'healthcheck', 'shell', 'onbuild', 'maintainer']);

const parseError = (line: number, msg: string): InvalidParameter => new InvalidParameter(`dockerfile parse error line ${line}: ${msg}`);

/** Reads `# escape=` (and ignores `# syntax=`) from the directive lines at the top. */
function directives(lines: string[]): { escape: string; first: number } {
  let escape = '\\';
  let i = 0;
  for (; i < lines.length; i++) {
    const m = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/.exec(lines[i] ?? '');
    if (!m) break;
    const key = m[1]!.toLowerCase();
    if (key === 'escape') {
      if (m[2] !== '\\' && m[2] !== '`') throw parseError(i + 1, `invalid ESCAPE '${m[2]}'. Must be \` or \\`);
      escape = m[2]!;
    } else if (key !== 'syntax') break;
  }
  return { escape, first: i };
}

export function parseDockerfile(text: string): Dockerfile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const { escape, first } = directives(lines);
  const continued = new RegExp(`\\${escape}[ \\t]*$`);
  const instructions: Instruction[] = [];
  for (let i = first; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const start = i + 1;
    let joined = raw.replace(/^\s+/, '');
    // Continuations: comment and empty lines inside are skipped, as Docker's parser does.
    while (continued.test(joined)) {
      joined = joined.replace(continued, '');
      let next: string | undefined;
      while (++i < lines.length) {
        const t = (lines[i] ?? '').trim();
        if (t.startsWith('#') || t === '') continue;
        next = lines[i];
        break;
      }
      if (next === undefined) break;
      joined += next;
    }
    instructions.push(parseInstruction(joined.trim(), start));
  }
  return { instructions, escape };
}

function parseInstruction(text: string, line: number): Instruction {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(text)!;
  const word = m[1]!;
  const cmd = word.toLowerCase();
  if (!known.has(cmd)) throw parseError(line, `unknown instruction: ${word.toUpperCase()}`);
  let rest = m[2] ?? '';
  const flags: Record<string, string> = {};
  // Flags only where Docker takes them; a RUN's "--" belongs to its command.
  if (['from', 'copy', 'add', 'healthcheck', 'run'].includes(cmd)) {
    for (let f = /^--([a-zA-Z][a-zA-Z0-9-]*)(?:=(\S*))?(?:\s+|$)/.exec(rest); f; f = /^--([a-zA-Z][a-zA-Z0-9-]*)(?:=(\S*))?(?:\s+|$)/.exec(rest)) {
      flags[f[1]!] = f[2] ?? 'true';
      rest = rest.slice(f[0].length);
    }
  }
  const inst: Instruction = { cmd, original: text, flags, rest, line };
  if (rest.startsWith('[')) {
    try {
      const v: unknown = JSON.parse(rest);
      if (Array.isArray(v) && v.every((s) => typeof s === 'string')) inst.json = v as string[];
    } catch { /* not JSON: the shell form, as Docker falls back */ }
  }
  return inst;
}

/** Whitespace-separated words, quotes and escapes kept for the expander (Docker's parseWords). */
export function splitWords(text: string, escape: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (!inWord && /\s/.test(ch)) continue;
    inWord = true;
    if (quote === '' && /\s/.test(ch)) { words.push(word); word = ''; inWord = false; continue; }
    if (ch === escape && quote !== "'" && i + 1 < text.length) { word += ch + text[++i]; continue; }
    if (quote === '' && (ch === '"' || ch === "'")) quote = ch;
    else if (ch === quote) quote = '';
    word += ch;
  }
  if (inWord) words.push(word);
  return words;
}

/** ENV and LABEL arguments: `k=v k2="v 2"` or the old `k value with spaces` form. */
export function parseKeyValues(inst: Instruction, escape: string): Array<[string, string]> {
  const words = splitWords(inst.rest, escape);
  const name = inst.cmd.toUpperCase();
  if (words.length === 0) throw parseError(inst.line, `${name} requires at least one argument`);
  if (!words[0]!.includes('=')) {
    const m = /^(\S+)\s+([\s\S]*)$/.exec(inst.rest.trim());
    if (!m) throw parseError(inst.line, `${name} must have two arguments`);
    return [[m[1]!, m[2]!]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw parseError(inst.line, `Syntax error - can't find = in "${w}". Must be of the form: name=value`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}
