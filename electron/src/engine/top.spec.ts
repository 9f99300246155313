// The Processes tab's table from the engines' GET /containers/{id}/top answers: dockerd's are
// already in columns; podman 4.3's compat answer is the container's `ps` lines, unsplit.
import { describe, expect, it } from 'vitest';
import { splitOneColumnTop } from './containers.js';

describe('top columns', () => {
  it("splits podman's one-column answer, keeping the command's spaces in the last column", () => {
    // As podman 4.3.1 answered for a busybox container running `sh -c ...` (ps_args -ef).
    const podman = { titles: ['PID   USER     COMMAND'], processes: [['1 root     sh -c echo hi; while true; do sleep 1; done'], ['2 root     sleep 1']] };
    expect(splitOneColumnTop(podman)).toEqual({
      titles: ['PID', 'USER', 'COMMAND'],
      processes: [['1', 'root', 'sh -c echo hi; while true; do sleep 1; done'], ['2', 'root', 'sleep 1']],
    });
  });

  it("passes dockerd's columns through", () => {
    const docker = { titles: ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'], processes: [['root', '4242', '4220', '0', '14:05', '?', '00:00:00', 'sleep 300']] };
    expect(splitOneColumnTop(docker)).toEqual(docker);
  });

  it('leaves an empty answer empty', () => {
    expect(splitOneColumnTop({ titles: ['PID   USER     COMMAND'], processes: [] })).toEqual({ titles: ['PID', 'USER', 'COMMAND'], processes: [] });
    expect(splitOneColumnTop({ titles: [], processes: [] })).toEqual({ titles: [], processes: [] });
  });
});
