/**
 * Structured logging: pino, constant messages, variable data in fields. A logger is created once
 * by the entry point and passed down (no module singleton); components take `log.child({...})`.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  /** @default 'info' */
  readonly level?: string;
  /** Where JSON lines go. @default stderr */
  readonly destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    { level: options.level ?? 'info', base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
    (options.destination ?? process.stderr) as pino.DestinationStream,
  );
}

/** A logger that drops everything, for unit tests and quiet commands. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
