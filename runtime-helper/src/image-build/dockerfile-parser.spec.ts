import { describe, expect, it } from 'vitest';
import { parseDockerfile, parseKeyValues, splitWords } from './dockerfile-parser.js';

describe('Dockerfile parser', () => {
  it('reads instructions, comments, continuations (comments inside skipped), JSON and shell forms, flags', () => {
    const df = parseDockerfile([
      '# a comment', 'FROM busybox AS base', '', 'RUN echo a \\', '  # inside', '  && echo b',
      'CMD ["sh", "-c", "echo hi"]', 'COPY --chown=1:2 --from=base a b /dst/', 'ENTRYPOINT [not json',
    ].join('\n'));
    expect(df.instructions.map((i) => [i.cmd, i.line])).toEqual([['from', 2], ['run', 4], ['cmd', 7], ['copy', 8], ['entrypoint', 9]]);
    expect(df.instructions[1]!.rest).toBe('echo a   && echo b');
    expect(df.instructions[2]!.json).toEqual(['sh', '-c', 'echo hi']);
    expect(df.instructions[3]!.flags).toEqual({ chown: '1:2', from: 'base' });
    expect(df.instructions[3]!.rest).toBe('a b /dst/');
    expect(df.instructions[4]!.json).toBeUndefined();
  });
  it('the escape directive changes the continuation character', () => {
    const df = parseDockerfile('# escape=`\nFROM x\nRUN dir c:\\ `\n  /b\n');
    expect(df.escape).toBe('`');
    expect(df.instructions[1]!.rest).toBe('dir c:\\   /b');
  });
  it('refuses an unknown instruction with its line, as dockerd words it', () => {
    expect(() => parseDockerfile('FROM x\n\nFOO bar')).toThrow('dockerfile parse error line 3: unknown instruction: FOO');
    expect(() => parseDockerfile('# escape=x\nFROM x')).toThrow(/invalid ESCAPE/);
  });
  it('ENV and LABEL pairs, quoted, and the old two-word form', () => {
    const env = (text: string) => parseKeyValues(parseDockerfile(text).instructions[0]!, '\\');
    expect(env('ENV A=1 B="two words" C=x\\ y')).toEqual([['A', '1'], ['B', '"two words"'], ['C', 'x\\ y']]);
    expect(env('ENV KEY value with  spaces')).toEqual([['KEY', 'value with  spaces']]);
    expect(() => env('ENV A=1 B')).toThrow(/can't find = in "B"/);
    expect(splitWords(`a 'b c' "d e"`, '\\')).toEqual(['a', "'b c'", '"d e"']);
  });
});
