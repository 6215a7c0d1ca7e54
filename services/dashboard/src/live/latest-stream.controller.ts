import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { OptionalAuth } from '@stadtdaten/auth';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { ProcessLogger } from '@stadtdaten/observability';
import { RegistryService } from '@stadtdaten/registry';
import type { Request, Response } from 'express';
import { type LatestEntry, LatestFeedService } from './latest-feed.service';

/** Milliseconds between two comment lines that keep idle proxies from closing the stream. */
const HEARTBEAT_INTERVAL_MS = 20_000;
/** Milliseconds the browser waits before it reconnects after the stream broke (the `retry` field). */
const RECONNECT_DELAY_MS = 5000;
/** Bytes of unsent events after which a client counts as stalled and its stream is closed. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * Server-sent events with the latest value of every public datastream of a tenant: one
 * `snapshot` event with all of them, then an `update` event with the changed ones after each
 * poll. Non-public datastreams never appear, whatever token the caller sends.
 */
@Controller('api/v1/tenants/:tenant/latest')
@OptionalAuth()
export class LatestStreamController {
  constructor(
    private readonly feed: LatestFeedService,
    private readonly registry: RegistryService,
    private readonly logger: ProcessLogger,
  ) {}

  @Get('stream')
  async stream(@Param('tenant') tenant: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    if ((await this.registry.getTenant(tenant)) === undefined) {
      throw new AppError(ErrorCode.NOT_FOUND, `tenant "${tenant}" not found; GET /api/v1/tenants lists the tenants`);
    }
    if (!this.feed.hasCapacity()) {
      throw new AppError(ErrorCode.UNAVAILABLE, 'too many open live streams on this server; the browser retries later', {
        retriable: true,
      });
    }

    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache, no-transform');
    // Tells nginx-style proxies not to buffer the stream.
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    response.write(`retry: ${RECONNECT_DELAY_MS}\n\n`);

    let closed = false;
    let unsubscribe: () => void = () => {
      // Replaced by the feed's unsubscribe once the subscription exists.
    };
    const heartbeat = setInterval(() => send(': heartbeat\n\n'), HEARTBEAT_INTERVAL_MS);
    heartbeat.unref();
    const close = () => {
      if (closed) {
        return;
      }
      closed = true;
      clearInterval(heartbeat);
      unsubscribe();
    };
    const send = (chunk: string) => {
      if (closed) {
        return;
      }
      if (response.writableLength > MAX_BUFFERED_BYTES) {
        this.logger.root.info({ tenant, bufferedBytes: response.writableLength }, 'live stream closed: client does not read');
        close();
        response.end();

        return;
      }
      response.write(chunk);
    };
    request.on('close', close);

    const end = () => {
      close();
      response.end();
    };
    unsubscribe = await this.feed.subscribe(tenant, (entries, kind) => send(eventText(kind, entries)), end);
    if (closed) {
      unsubscribe();
    }
  }
}

/** Formats one event; JSON has no raw line breaks, so the data fits one `data:` line. */
function eventText(name: 'snapshot' | 'update', entries: LatestEntry[]): string {
  return `event: ${name}\ndata: ${JSON.stringify(entries)}\n\n`;
}
