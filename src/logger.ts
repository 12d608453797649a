/**
 * The log: JSON lines (pino) on stdout, or readable lines (pino-pretty) with LOG_FORMAT=pretty,
 * which is the default when stdout is a terminal. Credentials are never written.
 */
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export function createLogger(level: string, stream?: NodeJS.WritableStream): Logger {
  const format = process.env['LOG_FORMAT'] || (process.stdout.isTTY && !stream ? 'pretty' : 'json');
  const options = { level, redact: ['req.headers.authorization'] };
  if (stream) return pino(options, stream);
  if (format === 'pretty')
    return pino(
      options,
      pretty({ colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l', sync: true }),
    );
  return pino(options, pino.destination({ dest: 1, sync: false }));
}
