import { describe, expect, it } from 'vitest';
import { appendOutput, EMPTY_BUILD_FORM, parseTags, toBuildSpec } from './build-form';

describe('build form', () => {
  it('takes several tags, none, and refuses bad ones in words', () => {
    expect(parseTags('myapp:1.0, myapp:latest\nhost:5000/team/app:dev myapp:1.0')).toEqual({ tags: ['myapp:1.0', 'myapp:latest', 'host:5000/team/app:dev'], errors: [] });
    expect(parseTags('  ')).toEqual({ tags: [], errors: [] });
    expect(parseTags('MyApp:1')).toEqual({ tags: [], errors: ["Tag 'MyApp:1': use name[:tag] in lowercase, like myapp:1.0 or host:5000/team/app:dev"] });
  });

  it('makes the request and lists every problem', () => {
    expect(toBuildSpec({ ...EMPTY_BUILD_FORM, context: ' /src/app ', tags: 'a:1', buildArgs: [{ key: 'V', value: '2' }], target: 'final' }))
      .toEqual({ spec: { context: '/src/app', dockerfile: 'Dockerfile', tags: ['a:1'], buildArgs: { V: '2' }, target: 'final', noCache: false, network: 'default' }, errors: [] });
    expect(toBuildSpec({ ...EMPTY_BUILD_FORM }).errors).toEqual(['Context folder: choose the folder to build from']);
    expect(toBuildSpec({ ...EMPTY_BUILD_FORM, context: 'src', buildArgs: [{ key: '', value: 'x' }], target: '-x' }).errors)
      .toEqual(['Context folder: give its full path, starting with /', 'Build arg 1: the key is empty', 'Target stage: a stage name (letters, digits, _ . -)']);
  });

  it('splits streamed output into lines, keeping a line cut between chunks', () => {
    let s = appendOutput({ lines: [], partial: '' }, 'Step 1/2 : FROM b');
    expect(s).toEqual({ lines: [], partial: 'Step 1/2 : FROM b' });
    s = appendOutput(s, 'usybox:test\r\n ---> abc\nhel');
    expect(s).toEqual({ lines: ['Step 1/2 : FROM busybox:test', ' ---> abc'], partial: 'hel' });
  });
});
