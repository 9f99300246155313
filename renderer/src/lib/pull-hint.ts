// The next step after a failed pull, read from the engine's message (berthd, dockerd and podman
// word the same causes differently): a registry that cannot be found or reached, a name or tag it
// does not have, credentials it wants.
export function pullHint(message: string): string {
  const host = /https?:\/\/([^/\s"]+)/.exec(message)?.[1] ?? /(?:lookup|dial tcp) ([^\s:]+(?::\d+)?)/.exec(message)?.[1];
  const where = host ?? 'the registry';
  const Where = host ?? 'The registry'; // at the start of a sentence
  if (/ENOTFOUND|EAI_AGAIN|no such host|server misbehaving|Temporary failure in name resolution/i.test(message)) {
    return `The engine cannot find ${where} (no DNS or no network). Add a registry mirror the engine can reach in Settings, or load the image from a file.`;
  }
  if (/ECONNREFUSED|connection refused/i.test(message)) return `Nothing answers at ${where}: is the registry running, and is the address right?`;
  if (/ETIMEDOUT|i\/o timeout|timed out/i.test(message)) return `${Where} did not answer in time: check the network between the engine and it.`;
  if (/unauthorized|authentication required|denied|\b401\b/i.test(message)) return `${Where} wants credentials: log in with the engine (docker login), or check that the name is right (a missing repository can answer 'denied').`;
  if (/manifest unknown|not found|\b404\b/i.test(message)) return 'The registry has no image by that name and tag: check both (the tag defaults to latest).';
  if (/invalid reference|image reference|invalid input/i.test(message)) return 'Type a name like busybox, library/alpine:3 or host:5000/name:tag.';
  return 'Check the name and tag, that the registry is reachable from the engine, and try again.';
}
