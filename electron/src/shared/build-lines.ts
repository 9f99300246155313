// How the build log marks lines: Dockerfile steps and steps taken from the cache (the renderer
// highlights both).

/** Whether a line of output starts a Dockerfile step ("Step 2/5 : RUN ..." or podman's "STEP 2/5: RUN ..."). */
export function isStepLine(line: string): boolean {
  return /^(Step|STEP) \d+\/\d+ ?:/.test(line);
}

/** Whether a line says the step came from the build cache. */
export function isCacheLine(line: string): boolean {
  return /^ ---> Using cache\s*$|^--> Using cache /.test(line);
}
