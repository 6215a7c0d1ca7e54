import pino, { type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  service: string;
  version: string;
  env: string;
  level: string;
  /** Destination of the JSON lines; defaults to standard output. */
  destination?: pino.DestinationStream;
}

/** Paths whose values never reach a log line. */
const REDACTED_PATHS = [
  'password',
  'token',
  'authorization',
  '*.password',
  '*.token',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
];

/** Creates the root logger of a process, with service, version and env on every line. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.service, version: options.version, env: options.env },
      redact: { paths: REDACTED_PATHS, censor: '***' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

/** The process's root logger as an injectable; services take child loggers from it. */
export class ProcessLogger {
  constructor(readonly root: Logger) {}

  child(bindings: Record<string, unknown>): Logger {
    return this.root.child(bindings);
  }
}
