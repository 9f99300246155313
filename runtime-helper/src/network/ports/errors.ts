// Errors with the API status they map to (api/errors.ts keeps any numeric `status`).
export class PortError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export const badPorts = (message: string): PortError => new PortError(400, message);
