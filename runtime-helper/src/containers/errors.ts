// Container errors carry Docker's HTTP status (the API's error mapper reads `status`), so this
// module does not depend on the API layer.
export class ContainerError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export const notFound = (ref: string): ContainerError => new ContainerError(404, `No such container: ${ref}`);
export const notRunning = (id: string): ContainerError => new ContainerError(409, `Container ${id} is not running`);
export const conflict = (message: string): ContainerError => new ContainerError(409, message);
export const invalid = (message: string): ContainerError => new ContainerError(400, message);
export const notModified = (): ContainerError => new ContainerError(304, '');

/** A container path (or a link in it) that would lead outside the container's filesystem. */
export class PathEscapeError extends Error {}
