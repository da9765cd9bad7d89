import { pino } from 'pino';

/** Logs go to stderr so tables and JSON on stdout stay clean for pipes. */
export function createLogger(level: string) {
  return pino({ level, base: undefined }, pino.destination(2));
}
