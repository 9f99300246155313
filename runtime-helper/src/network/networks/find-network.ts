// A network by full ID, name or unique ID prefix, in dockerd's order (exact ID, then name, then
// prefix), with its not-found and ambiguity errors. GET /networks/{id} and the other routes word
// ambiguity differently in dockerd 20.10; both wordings are kept.
import { ApiError, InvalidParameter } from '../../api/errors.js';

export class NetworkNotFound extends ApiError {
  constructor(term: string) { super(404, `network ${term} not found`); }
}

export function findNetwork<T extends { id: string; name: string }>(nets: T[], term: string, wording: 'inspect' | 'other' = 'other'): T {
  const byId = nets.find((n) => n.id === term);
  if (byId) return byId;
  const byName = nets.filter((n) => n.name === term);
  if (byName.length === 1) return byName[0]!;
  const byPrefix = term === '' ? [] : nets.filter((n) => n.id.startsWith(term));
  if (byPrefix.length === 1) return byPrefix[0]!;
  if (byPrefix.length > 1) {
    throw new InvalidParameter(wording === 'inspect'
      ? `${byPrefix.length} matches found based on ID prefix: network ${term} is ambiguous`
      : `network ${term} is ambiguous (${byPrefix.length} matches found based on ID prefix)`);
  }
  throw new NetworkNotFound(term);
}
