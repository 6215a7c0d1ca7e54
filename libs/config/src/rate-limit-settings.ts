import { z } from 'zod';

/**
 * Settings of the per-client request limit of an HTTP listener (a token bucket per token
 * subject, or per client address for requests without a valid token). `/health/*` and
 * `/metrics` are never limited.
 */
export const rateLimitSettings = {
  STADTDATEN_RATE_LIMIT_PER_SECOND: z.coerce
    .number()
    .min(0)
    .default(100)
    .describe('requests per second one client may send on average; 0 turns the limit off'),
  STADTDATEN_RATE_LIMIT_BURST: z.coerce
    .number()
    .int()
    .min(1)
    .default(500)
    .describe('requests one client may send at once before the per-second rate applies'),
};
