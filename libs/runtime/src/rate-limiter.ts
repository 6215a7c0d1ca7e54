import type { Clock } from '@stadtdaten/contracts';

export interface TokenBucketOptions {
  /** Tokens added per second; 0 turns the limit off. */
  perSecond: number;
  /** Tokens a full bucket holds, so the requests a client may send at once. */
  burst: number;
  /** Buckets kept at most; the least recently used one is dropped beyond it. Default 100,000. */
  maxClients?: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Whole seconds until the next request of this client is allowed; 0 when allowed. */
  retryAfterSeconds: number;
  /** True for the first rejection since the client's bucket was last full, so callers log once per flood. */
  firstRejection: boolean;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
  limited: boolean;
}

const DEFAULT_MAX_CLIENTS = 100_000;

/**
 * Token buckets per client key. A bucket starts full with `burst` tokens and refills at
 * `perSecond`, and each request takes one token. Buckets live in memory, one set per process,
 * so with several replicas a client gets the limit once per replica it reaches.
 */
export class TokenBucketRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxClients: number;

  constructor(
    private readonly options: TokenBucketOptions,
    private readonly clock: Clock,
  ) {
    this.maxClients = options.maxClients ?? DEFAULT_MAX_CLIENTS;
  }

  get enabled(): boolean {
    return this.options.perSecond > 0;
  }

  /** Takes one token from the client's bucket, if it has one. */
  take(key: string): RateLimitDecision {
    if (!this.enabled) {
      return { allowed: true, retryAfterSeconds: 0, firstRejection: false };
    }
    const bucket = this.refilledBucket(key);

    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;

      return { allowed: true, retryAfterSeconds: 0, firstRejection: false };
    }
    const firstRejection = !bucket.limited;
    bucket.limited = true;
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / this.options.perSecond));

    return { allowed: false, retryAfterSeconds, firstRejection };
  }

  /** Number of clients with a bucket in memory. */
  get size(): number {
    return this.buckets.size;
  }

  /**
   * Returns the client's bucket with the tokens earned since its last request, and moves it to
   * the end of the map, so the map's first entry is always the least recently used bucket.
   */
  private refilledBucket(key: string): Bucket {
    const nowMs = this.clock.now();
    const existing = this.buckets.get(key);
    const bucket = existing ?? { tokens: this.options.burst, updatedMs: nowMs, limited: false };
    if (existing !== undefined) {
      const elapsedMs = Math.max(0, nowMs - existing.updatedMs);
      bucket.tokens = Math.min(this.options.burst, bucket.tokens + (elapsedMs / 1000) * this.options.perSecond);
      bucket.updatedMs = nowMs;
      bucket.limited = bucket.limited && bucket.tokens < this.options.burst;
      this.buckets.delete(key);
    }
    this.buckets.set(key, bucket);

    // NOTE: a dropped bucket comes back full, so more than maxClients clients at once can each
    // send a burst again after their bucket was dropped.
    while (this.buckets.size > this.maxClients) {
      const oldest = this.buckets.keys().next().value as string;
      this.buckets.delete(oldest);
    }

    return bucket;
  }
}
