// How container, exec and volume routes reach their services on the daemon object.
import type { RequestContext } from '../context.js';
import type { ContainerServices } from '../../containers/services.js';

export function servicesOf(ctx: RequestContext): ContainerServices {
  const s = (ctx.daemon as unknown as { containers?: ContainerServices }).containers;
  if (!s) throw Object.assign(new Error('the container service is not running in this daemon'), { status: 503 });
  return s;
}
