// One error type for the cgroup module. `status` is the HTTP status the API should answer with
// (the daemon's error mapper reads it): 400 for a bad request, 404 for a cgroup that is gone,
// 500 for a kernel refusal we did not expect.
export class CgroupError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errno?: string,
  ) {
    super(message);
    this.name = 'CgroupError';
  }
}

export const invalidUpdate = (message: string): CgroupError => new CgroupError(400, message);

export const missingController = (controller: string, why: string, where: string): CgroupError =>
  new CgroupError(
    400,
    `${why} needs the cgroup controller '${controller}', which is not available for '${where}'`,
  );
