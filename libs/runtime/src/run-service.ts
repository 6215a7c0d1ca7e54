import type { AddressInfo } from 'node:net';
import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppError } from '@stadtdaten/contracts';
import { type TransportConfig, checkPlaintext, loadConfig, plaintextListeners } from '@stadtdaten/config';
import { type Logger, ProcessLogger } from '@stadtdaten/observability';
import express from 'express';
import type { z } from 'zod';
import { warnPlaintextListeners } from './plaintext-warnings';
import { type HttpTlsFiles, readHttpsOptions } from './tls-files';

/** Routes Nest's own log lines into the process's pino logger. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }

  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }

  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}

export interface HttpListenSettings extends HttpTlsFiles {
  STADTDATEN_HTTP_HOST: string;
  STADTDATEN_HTTP_PORT: number;
}

/** Options of createHttpApp. */
export interface HttpAppOptions {
  /** Certificate and key in PEM; with them the server speaks HTTPS only. */
  https?: { cert: Buffer; key: Buffer };
}

/** Body limits of the HTTP edge, in bytes. */
export const INGEST_BODY_LIMIT_BYTES = 4 * 1024 * 1024;
export const JSON_BODY_LIMIT_BYTES = 10 * 1024 * 1024;

/**
 * Creates a Nest application with the platform's HTTP conventions: raw bodies for
 * /api/v1/ingest (any content type), JSON and YAML bodies elsewhere, pino logging and
 * shutdown hooks. With `options.https` it serves HTTPS.
 */
export async function createHttpApp(
  module: unknown,
  options: HttpAppOptions = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module as never, {
    bufferLogs: true,
    bodyParser: false,
    httpsOptions: options.https,
  });
  app.useLogger(new NestPinoLogger(app.get(ProcessLogger).root));
  app.disable('x-powered-by');
  app.use('/api/v1/ingest', express.raw({ type: () => true, limit: INGEST_BODY_LIMIT_BYTES }));
  app.use(express.json({ limit: JSON_BODY_LIMIT_BYTES, type: ['application/json', 'application/*+json'] }));
  app.use(
    express.text({ limit: JSON_BODY_LIMIT_BYTES, type: ['application/yaml', 'text/yaml', 'text/plain'] }),
  );
  app.enableShutdownHooks();

  return app;
}

/**
 * Starts one service on its own: parses the configuration and checks that every listener and
 * connection uses TLS unless STADTDATEN_ALLOW_PLAINTEXT allows plaintext (exiting with every
 * bad setting named otherwise), creates the application and listens.
 */
export async function runService<S extends z.ZodObject>(
  schema: S,
  moduleFor: (config: z.infer<S>) => unknown,
): Promise<void> {
  let config: z.infer<S> & HttpListenSettings;
  let https: HttpAppOptions['https'];
  try {
    config = loadConfig(schema, process.env) as z.infer<S> & HttpListenSettings;
    checkPlaintext(config as TransportConfig);
    https = readHttpsOptions(config);
  } catch (error) {
    process.stderr.write(`${error instanceof AppError ? error.message : String(error)}\n`);
    process.exit(2);
  }

  const app = await createHttpApp(moduleFor(config), { https });
  await app.listen(config.STADTDATEN_HTTP_PORT, config.STADTDATEN_HTTP_HOST);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const log = app.get(ProcessLogger).root;
  log.info({ host: config.STADTDATEN_HTTP_HOST, port, tls: https !== undefined }, 'http listening');
  warnPlaintextListeners(
    log,
    plaintextListeners({ ...(config as TransportConfig), STADTDATEN_HTTP_PORT: port }),
  );
}
