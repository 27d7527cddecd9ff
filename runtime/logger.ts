import pino, { type Logger } from 'pino';
import type { Config } from '../config';

/** One JSON logger per process (pino); request logs come from pino-http with request ids. */
export function createLogger(config: Config, name: string): Logger {
  return pino({ name, level: config.logLevel });
}
