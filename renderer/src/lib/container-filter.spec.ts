// The list's state filter and counts over rows in every state the engines report.
import { describe, expect, it } from 'vitest';
import type { ContainerRow } from '@shared/contract';
import { countByState, filterContainers, pendingLabel, stateGroup } from './container-filter';

const row = (name: string, state: ContainerRow['state'], id = `${name}0000`): Pick<ContainerRow, 'id' | 'name' | 'image' | 'state'> => ({ id, name, image: name.startsWith('web') ? 'nginx:1' : 'busybox', state });
const rows = [row('web1', 'running', 'aa11'), row('web2', 'exited', 'bb22'), row('db', 'paused', 'cc33'), row('job', 'created', 'dd44'), row('boot', 'restarting', 'ee55'), row('gone', 'dead', 'ff66')];

describe('container filter', () => {
  it('groups every state: restarting with running, created and dead with stopped', () => {
    expect(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'].map((s) => stateGroup(s as ContainerRow['state'])))
      .toEqual(['stopped', 'running', 'paused', 'running', 'stopped', 'stopped', 'stopped']);
  });

  it('counts each group and the whole', () => {
    expect(countByState(rows)).toEqual({ all: 6, running: 2, paused: 1, stopped: 3 });
    expect(countByState([])).toEqual({ all: 0, running: 0, paused: 0, stopped: 0 });
  });

  it('filters by group, then by name, image or ID prefix', () => {
    expect(filterContainers(rows, 'stopped', '').map((r) => r.name)).toEqual(['web2', 'job', 'gone']);
    expect(filterContainers(rows, 'running', '').map((r) => r.name)).toEqual(['web1', 'boot']);
    expect(filterContainers(rows, 'all', 'NGINX').map((r) => r.name)).toEqual(['web1', 'web2']);
    expect(filterContainers(rows, 'stopped', 'nginx').map((r) => r.name)).toEqual(['web2']);
    expect(filterContainers(rows, 'all', 'cc3').map((r) => r.name)).toEqual(['db']);
    expect(filterContainers(rows, 'all', 'c33')).toEqual([]); // an ID matches from its start only
    expect(filterContainers(rows, 'paused', 'web')).toEqual([]);
  });

  it('names what runs while an action is pending', () => {
    expect(pendingLabel('stop')).toBe('stopping…');
    expect(pendingLabel('unpause')).toBe('resuming…');
    expect(pendingLabel('remove')).toBe('removing…');
  });
});
