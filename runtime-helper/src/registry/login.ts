// Login: checks credentials against a registry's /v2/ (Basic, or the token flow with the
// credentials), as dockerd's POST /auth does. Messages never carry the credentials.
import { RegistryError } from './errors.js';
import { EndpointClient, type RegistryContext } from './registry-client.js';
import type { Credentials } from './credentials.js';
import { normaliseRegistryHost } from './reference.js';

export async function checkLogin(ctx: RegistryContext, serverAddress: string, credentials: Credentials): Promise<{ registry: string }> {
  const registry = normaliseRegistryHost(serverAddress || 'docker.io');
  const endpoints = ctx.resolver.endpointsFor(registry);
  const origin = endpoints[endpoints.length - 1]!;
  const client = new EndpointClient(ctx, origin, credentials);
  try {
    await client.ping([]);
  } catch (err) {
    if (err instanceof RegistryError && (err.code === 'unauthorized' || err.code === 'denied')) {
      throw new RegistryError('unauthorized', `login to ${registry} failed: the registry refused the username or password`);
    }
    throw err;
  }
  return { registry };
}
