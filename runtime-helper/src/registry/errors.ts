// One error type for the registry client. `status` is the Docker API status the route should
// answer with; `retryable` tells the retry loop whether another attempt can help. Messages name
// the operation and the object and never carry credentials (see redact.ts).
export type RegistryErrorCode =
  | 'invalid-reference'
  | 'unauthorized'
  | 'denied'
  | 'not-found'
  | 'digest-mismatch'
  | 'size-mismatch'
  | 'too-large'
  | 'too-many-layers'
  | 'too-many-redirects'
  | 'timeout'
  | 'network'
  | 'server'
  | 'bad-response'
  | 'unsupported'
  | 'policy'
  | 'no-platform'
  | 'foreign-layer';

const httpStatusFor: Record<RegistryErrorCode, number> = {
  'invalid-reference': 400,
  unauthorized: 401,
  denied: 403,
  'not-found': 404,
  'digest-mismatch': 502,
  'size-mismatch': 502,
  'too-large': 502,
  'too-many-layers': 502,
  'too-many-redirects': 502,
  timeout: 504,
  network: 502,
  server: 502,
  'bad-response': 502,
  unsupported: 400,
  policy: 403,
  'no-platform': 404,
  'foreign-layer': 403,
};

export class RegistryError extends Error {
  readonly code: RegistryErrorCode;
  readonly retryable: boolean;
  readonly status: number;
  constructor(code: RegistryErrorCode, message: string, opts: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'RegistryError';
    this.code = code;
    this.retryable = opts.retryable ?? false;
    this.status = httpStatusFor[code];
  }
}

export function isRetryable(err: unknown): boolean {
  return err instanceof RegistryError && err.retryable;
}
