// The daemon's structured logger (pino, JSON lines on stderr). --debug lowers the level.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(debug: boolean): Logger {
  return pino({ name: 'berthd', level: debug ? 'debug' : 'info' }, pino.destination(2));
}

/** A logger that drops everything (tests and library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
