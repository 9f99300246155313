// The API boundary for network requests: what the renderer (or any client of the WebSocket) may
// ask, and the words a refusal comes back with.
import { describe, expect, it } from 'vitest';
import { requestSchemas, validationMessage } from './schemas.js';
import type { z } from 'zod';

const create = requestSchemas['networks.create'];
const ok = { name: 'backend', driver: 'bridge', internal: false, labels: {} };
const refusal = (p: unknown): string => {
  const r = create.safeParse(p);
  return r.success ? 'accepted' : validationMessage('networks.create', r.error as z.ZodError);
};

describe('network request schemas', () => {
  it('takes a bridge with or without a subnet, gateway, internal and labels', () => {
    expect(create.safeParse(ok).success).toBe(true);
    expect(create.safeParse({ ...ok, subnet: '10.231.7.0/24', gateway: '10.231.7.1', internal: true, labels: { team: 'shop' } }).success).toBe(true);
    expect(create.safeParse({ ...ok, subnet: 'fd00:1::/64' }).success).toBe(true);
  });

  it('refuses bad input with the field and the reason', () => {
    expect(refusal({ ...ok, name: '-x' })).toContain('name: network name: letters, digits');
    expect(refusal({ ...ok, name: 'a'.repeat(256) })).toContain('at most 255 characters');
    expect(refusal({ ...ok, driver: 'overlay' })).toContain('driver');
    expect(refusal({ ...ok, subnet: '10.231.7.9/24' })).toContain('host bits are set; did you mean 10.231.7.0/24?');
    expect(refusal({ ...ok, subnet: '10.231.7.0/24', gateway: '10.9.9.9' })).toContain('gateway 10.9.9.9 is outside the subnet 10.231.7.0/24');
    expect(refusal({ ...ok, gateway: '10.9.9.9' })).toContain('gateway: give the subnet it belongs to as well');
    expect(refusal({ ...ok, labels: { 'a=b': 'c' } })).toContain('labels.a=b'); // the form says why before it is sent (toRecord)
    expect(refusal({ ...ok, internal: 'yes' })).toContain('internal');
    expect(refusal({ name: 'x' })).not.toBe('accepted');
  });

  it('wants an ID or name to inspect or remove, and nothing for list and prune', () => {
    expect(requestSchemas['networks.remove'].safeParse({ id: '' }).success).toBe(false);
    expect(requestSchemas['networks.inspect'].safeParse({ id: 'backend' }).success).toBe(true);
    expect(requestSchemas['networks.list'].safeParse({}).success).toBe(true);
    expect(requestSchemas['networks.prune'].safeParse({ force: true }).success).toBe(false);
  });
});
