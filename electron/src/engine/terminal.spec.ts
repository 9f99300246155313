import { describe, expect, it } from 'vitest';
import { FlowGate } from './terminal.js';
import { shellFromPasswd } from './shell.js';

describe('flow control gate', () => {
  it('pauses above the high watermark and resumes below the low one', () => {
    const log: string[] = [];
    const gate = new FlowGate(() => log.push('pause'), () => log.push('resume'), 100, 40);
    gate.sent(60);
    gate.sent(50);
    expect(log).toEqual(['pause']);
    gate.acked(30); // 80 outstanding: still above low
    expect(log).toEqual(['pause']);
    gate.acked(50); // 30 outstanding
    expect(log).toEqual(['pause', 'resume']);
    expect(gate.outstanding).toBe(30);
  });
});

describe('default shell', () => {
  const passwd = 'root:x:0:0:root:/root:/bin/ash\nnobody:x:65534:65534::/:/sbin/nologin\napp:x:1000:1000::/home/app:/bin/bash\n';
  it("takes the user's login shell, by name or uid", () => {
    expect(shellFromPasswd(passwd, 'root')).toBe('/bin/ash');
    expect(shellFromPasswd(passwd, '1000')).toBe('/bin/bash');
    expect(shellFromPasswd(passwd, 'app:app')).toBe('/bin/bash');
  });
  it('gives none for nologin or unknown users, so the fallback applies', () => {
    expect(shellFromPasswd(passwd, 'nobody')).toBeUndefined();
    expect(shellFromPasswd(passwd, 'ghost')).toBeUndefined();
  });
});
