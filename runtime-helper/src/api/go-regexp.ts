// dockerd's regular-expression filters (ps name=, volume ls name=) are Go RE2 expressions, and
// dockerd treats one that does not compile as matching nothing, with no error. This turns a Go
// pattern into a JavaScript RegExp with the same meaning for RE2's syntax, or undefined where Go
// would refuse it (lookaround and back-references, which RE2 has not) or JavaScript cannot.

const posixClasses: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F', digit: '0-9',
  graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ', upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

const escapeLiteral = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** The pattern as a JavaScript RegExp, or undefined if Go's regexp would not compile it. */
export function goRegExp(pattern: string): RegExp | undefined {
  let flags = '';
  let src = pattern;
  // Leading flags: (?i), (?s), (?m); (?U) (ungreedy) has no JavaScript form.
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    if (lead[1]!.includes('U')) return undefined;
    flags = [...new Set(lead[1]!)].join('');
    src = src.slice(lead[0].length);
  }
  // \Q...\E quotes literally (to the end when \E is missing).
  src = src.replace(/\\Q([\s\S]*?)(\\E|$)/g, (_m, lit: string) => escapeLiteral(lit));
  // Go has no lookaround and no back-references.
  if (/\(\?[=!]|\(\?<[=!]|\\[1-9]/.test(src)) return undefined;
  src = src.replace(/\(\?P</g, '(?<')
    .replace(/\[:(\^?)([a-z]+):\]/g, (m, neg: string, name: string) => {
      const cls = posixClasses[name];
      return cls === undefined ? m : neg ? `^${cls}` : cls;
    })
    .replace(/\\A/g, '^').replace(/\\z/g, '$(?![\\s\\S])');
  try {
    return new RegExp(src, flags);
  } catch {
    return undefined;
  }
}
