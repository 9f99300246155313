// Engines stream events and stats as one JSON document per line; chunks split lines anywhere.
/** Calls `onValue` with each parsed line of `stream`; blank and malformed lines are skipped. */
export function onJsonLines(stream: NodeJS.ReadableStream, onValue: (value: unknown) => void): void {
  let buf = '';
  stream.on('data', (chunk: Buffer) => {
    buf += chunk.toString('utf8');
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (!line) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue; // a partial or foreign line; the next one follows
      }
      onValue(value);
    }
  });
}
