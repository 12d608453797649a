/**
 * The process logger: pino JSON lines on stdout, or readable lines (pino-pretty) for development
 * (`LOG_FORMAT=pretty`, or `auto`: readable when stdout is a terminal). Written synchronously, so
 * the last line before an exit is never lost.
 */
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export function createLogger(level: string, format: 'json' | 'pretty' | 'auto'): Logger {
  const options = { level, redact: ['req.headers.authorization'] };
  const readable = format === 'pretty' || (format === 'auto' && process.stdout.isTTY === true);
  if (!readable) return pino(options, pino.destination({ dest: 1, sync: true }));
  return pino(options, pretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }));
}
