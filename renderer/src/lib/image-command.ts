// An image's default command as a person would type it (entrypoint then command, shell-quoted),
// or a sentence saying there is none: the image config's raw JSON ("null", '["sh"]') is not for reading.

// As the run dialog's `docker run` line quotes (electron/src/shared/run-command.ts; this module
// stays free of imports so its spec runs in the unit project without the renderer's aliases).
const SAFE = /^[A-Za-z0-9_./:=@%+,-]+$/;
const shellQuote = (word: string): string => (word !== '' && SAFE.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

export interface ImageCommand { text: string; none: boolean }

export function imageCommand(entrypoint: string[] | string | null | undefined, cmd: string[] | string | null | undefined): ImageCommand {
  const words = (v: string[] | string | null | undefined): string[] => (v == null ? [] : Array.isArray(v) ? v : [v]);
  const all = [...words(entrypoint), ...words(cmd)];
  if (all.length === 0) return { text: 'None: give one when you run it', none: true };
  return { text: all.map(shellQuote).join(' '), none: false };
}
