// Holds xterm's drawing while the output pacer parses a flood between draws (output-pacer.ts,
// DrawHold). It uses xterm's synchronized output (DEC mode 2026: parsed rows are drawn when the
// mode ends), setting the mode's flag directly: a sequence written into the stream could land in
// the middle of the program's own escape sequence. A program that uses the mode itself keeps it:
// its ?2026h/?2026l are watched (public parser hooks, xterm still handles them), and a release
// while the program's own update is open leaves the flag set for the program to end.
import type { Terminal } from '@xterm/xterm';
import type { DrawHold } from './output-pacer';

/** A flood is drawn at most this often (15 times a second): a screen scrolled by a flood cannot be
 * read anyway, and each draw (rows rebuilt, style, layout, paint, raster, compositing) costs the
 * machine several times what parsing the bytes in between does. */
export const FLOOD_DRAW_INTERVAL_MS = 1000 / 15;

interface SyncModes { synchronizedOutput: boolean }

export function drawHoldFor(term: Terminal, intervalMs = FLOOD_DRAW_INTERVAL_MS): DrawHold | undefined {
  const modes = (term as unknown as { _core?: { coreService?: { decPrivateModes?: SyncModes } } })._core?.coreService?.decPrivateModes;
  // Another xterm version without this internal: no hold, every burst is drawn.
  if (!modes || typeof modes.synchronizedOutput !== 'boolean') return undefined;
  let programSync = false;
  const watch = (on: boolean) => (params: (number | number[])[]) => {
    if (params.includes(2026)) programSync = on;
    return false; // xterm's own handler still runs
  };
  term.parser.registerCsiHandler({ prefix: '?', final: 'h' }, watch(true));
  term.parser.registerCsiHandler({ prefix: '?', final: 'l' }, watch(false));
  return {
    intervalMs,
    hold: (on) => {
      if (on) { modes.synchronizedOutput = true; return; }
      if (programSync || !modes.synchronizedOutput) return;
      modes.synchronizedOutput = false;
      term.refresh(0, term.rows - 1);
    },
  };
}
