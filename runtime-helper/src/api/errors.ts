// Sentinel errors the whole daemon throws, mapped to Docker's {"message": ...} with the right
// status in exactly one place (toHttpError). Messages name the operation and the object.
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
    this.name = new.target.name;
  }
}

export class InvalidParameter extends ApiError {
  constructor(message: string, options?: { cause?: unknown }) { super(400, message, options); }
}
export class Unauthorized extends ApiError {
  constructor(message: string) { super(401, message); }
}
export class Forbidden extends ApiError {
  constructor(message: string) { super(403, message); }
}
export class NotFound extends ApiError {
  constructor(message: string) { super(404, message); }
}
export class Conflict extends ApiError {
  constructor(message: string) { super(409, message); }
}
export class PayloadTooLarge extends ApiError {
  constructor(message: string) { super(413, message); }
}
export class NotModified extends ApiError {
  constructor(message = '') { super(304, message); }
}
export class NotImplemented extends ApiError {
  constructor(message: string) { super(501, message); }
}
export class Unavailable extends ApiError {
  constructor(message: string) { super(503, message); }
}

/** Any error -> (status, message). Errors from other modules that carry an HTTP `status` keep it. */
export function toHttpError(err: unknown): { status: number; message: string } {
  if (err instanceof ApiError) return { status: err.status, message: err.message };
  if (err instanceof Error) {
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 300 && status < 600) return { status, message: err.message };
    return { status: 500, message: err.message };
  }
  return { status: 500, message: String(err) };
}
