// Docker's word expansion for Dockerfile arguments (ENV, ARG, COPY, WORKDIR, ...): $VAR, ${VAR},
// ${VAR:-default}, ${VAR:+alternative}; quotes removed; single quotes literal; the escape
// character makes the next character literal (inside double quotes only before " $ and itself).
import { InvalidParameter } from '../api/errors.js';

export type Vars = ReadonlyMap<string, string>;

export function expandWord(word: string, vars: Vars, escape = '\\'): string {
  let out = '';
  let i = 0;
  const n = word.length;
  const variable = (): string => {
    // at word[i] === '$'
    i++;
    if (word[i] === '{') {
      const close = word.indexOf('}', i);
      if (close < 0) throw new InvalidParameter(`failed to process "${word}": missing '}'`);
      const body = word.slice(i + 1, close);
      i = close + 1;
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::([-+?])([\s\S]*))?$/.exec(body);
      if (!m) throw new InvalidParameter(`failed to process "${word}": bad substitution`);
      const value = vars.get(m[1]!);
      const arg = m[3] === undefined ? '' : expandWord(m[3], vars, escape);
      switch (m[2]) {
        case '-': return value ? value : arg;
        case '+': return value ? arg : '';
        case '?': if (!value) throw new InvalidParameter(`failed to process "${word}": ${m[1]}: ${arg || 'is not allowed to be unset'}`); return value;
        default: return value ?? '';
      }
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(word.slice(i));
    if (!m) return '$';
    i += m[0].length;
    return vars.get(m[0]) ?? '';
  };
  while (i < n) {
    const ch = word[i]!;
    if (ch === escape) {
      if (i + 1 < n) out += word[i + 1];
      i += 2;
    } else if (ch === "'") {
      const close = word.indexOf("'", i + 1);
      if (close < 0) throw new InvalidParameter(`failed to process "${word}": unexpected end of statement while looking for matching single-quote`);
      out += word.slice(i + 1, close);
      i = close + 1;
    } else if (ch === '"') {
      i++;
      for (;;) {
        if (i >= n) throw new InvalidParameter(`failed to process "${word}": unexpected end of statement while looking for matching double-quote`);
        const c = word[i]!;
        if (c === '"') { i++; break; }
        if (c === escape && i + 1 < n && ['"', '$', escape].includes(word[i + 1]!)) { out += word[i + 1]; i += 2; continue; }
        if (c === '$') { out += variable(); continue; }
        out += c;
        i++;
      }
    } else if (ch === '$') {
      out += variable();
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}
