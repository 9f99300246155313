// Parses WWW-Authenticate challenges (RFC 7235): `Bearer realm="…",service="…",scope="…"`,
// `Basic realm="…"`. Several challenges may share one header, separated by commas.
export interface Challenge {
  scheme: string; // lower case: "bearer", "basic"
  params: Record<string, string>;
}

export function parseWwwAuthenticate(header: string | string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  const headers = Array.isArray(header) ? header : [header];
  const out: Challenge[] = [];
  for (const h of headers) out.push(...parseOne(h));
  return out;
}

function parseOne(input: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const s = input;
  const skipWs = () => { while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === ',')) i++; };
  const token = () => { const start = i; while (i < s.length && /[!#$%&'*+.^_`|~0-9A-Za-z-]/.test(s[i]!)) i++; return s.slice(start, i); };
  let current: Challenge | undefined;
  while (i < s.length) {
    skipWs();
    const start = i;
    const name = token();
    if (name === '') { i++; continue; }
    let j = i;
    while (j < s.length && s[j] === ' ') j++;
    if (s[j] === '=') {
      // A parameter of the current challenge.
      i = j + 1;
      while (i < s.length && s[i] === ' ') i++;
      let value = '';
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          value += s[i];
          i++;
        }
        i++;
      } else {
        const vs = i;
        while (i < s.length && s[i] !== ',') i++;
        value = s.slice(vs, i).trim();
      }
      if (current) current.params[name.toLowerCase()] = value;
    } else {
      void start;
      current = { scheme: name.toLowerCase(), params: {} };
      out.push(current);
    }
  }
  return out;
}
