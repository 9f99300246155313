import { describe, expect, it } from 'vitest';
import { portLinks } from './port-links';

describe('portLinks', () => {
  it('gives one link per published TCP port, localhost for every address or loopback', () => {
    expect(portLinks(['0.0.0.0:8080->80/tcp', ':::8080->80/tcp'])).toEqual([{ label: '8080→80/tcp', url: 'http://localhost:8080/' }]);
    expect(portLinks(['127.0.0.1:9000->9000/tcp'])).toEqual([{ label: '9000→9000/tcp', url: 'http://localhost:9000/' }]);
    expect(portLinks(['10.0.0.5:81->80/tcp'])[0]!.url).toBe('http://10.0.0.5:81/');
  });
  it('lists UDP and exposed-only ports without a link', () => {
    expect(portLinks(['0.0.0.0:5353->53/udp', '443/tcp'])).toEqual([{ label: '5353→53/udp' }, { label: '443/tcp' }]);
    expect(portLinks(['nonsense'])).toEqual([]);
  });
});
