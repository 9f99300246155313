import { describe, expect, it } from 'vitest';
import { goDuration, goHealthcheck, goList, goQuotedList, nopCmd, nopCmdString, withArgsPrefix } from './history-text.js';

describe('history text as dockerd writes it', () => {
  it('Go formats of lists and durations', () => {
    expect(goQuotedList(['/bin/sh', '-c', 'echo "x"'])).toBe('["/bin/sh" "-c" "echo \\"x\\""]');
    expect(goList(['/v1', '/v2'])).toBe('[/v1 /v2]');
    expect([0, 5e8, 5e9, 90e9, 3600e9].map(goDuration)).toEqual(['0s', '500ms', '5s', '1m30s', '1h0m0s']);
  });
  it('a healthcheck as %q prints it (the one dockerd 20.10 recorded)', () => {
    expect(goHealthcheck({ Test: ['CMD-SHELL', 'echo ok'], Interval: 5e9 })).toBe(`&{["CMD-SHELL" "echo ok"] "5s" "0s" "0s" '\\x00'}`);
    expect(goHealthcheck({ Test: ['CMD', 'true'], Retries: 3 })).toBe(`&{["CMD" "true"] "0s" "0s" "0s" '\\x03'}`);
  });
  it('nop comments and build-arg prefixes join into dockerd\'s created_by', () => {
    expect(nopCmd(['/bin/sh', '-c'], 'CMD ["sh"]').join(' ')).toBe('/bin/sh -c #(nop)  CMD ["sh"]');
    expect(nopCmdString(['/bin/sh', '-c'], 'WORKDIR /w').join(' ')).toBe('/bin/sh -c #(nop) WORKDIR /w');
    expect(withArgsPrefix([['Y', 'dy'], ['X', 'bx']], ['/bin/sh', '-c', 'echo']).join(' ')).toBe('|2 X=bx Y=dy /bin/sh -c echo');
    expect(withArgsPrefix([], ['a'])).toEqual(['a']);
  });
});
