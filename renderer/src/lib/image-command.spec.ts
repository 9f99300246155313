import { describe, expect, it } from 'vitest';
import { imageCommand } from './image-command';

describe('imageCommand', () => {
  it('says there is none for an image without entrypoint or command (an imported root filesystem)', () => {
    expect(imageCommand(null, null)).toEqual({ text: 'None: give one when you run it', none: true });
    expect(imageCommand(undefined, [])).toEqual({ text: 'None: give one when you run it', none: true });
  });

  it('joins the entrypoint and the command as a command line, quoting words with spaces', () => {
    expect(imageCommand(null, ['sh'])).toEqual({ text: 'sh', none: false });
    expect(imageCommand(['/docker-entrypoint.sh'], ['nginx', '-g', 'daemon off;'])).toEqual({ text: "/docker-entrypoint.sh nginx -g 'daemon off;'", none: false });
    expect(imageCommand('/bin/app', null)).toEqual({ text: '/bin/app', none: false });
  });
});
