import { Injectable } from '@nestjs/common';
import { Clock } from '@stadtdaten/contracts';
import { RegistryService } from '@stadtdaten/registry';

/** How long a datastream's retention is reused before it is read again, in milliseconds. */
const CACHE_TTL_MS = 60_000;

/**
 * Reads the retention of datastreams from the registry for the storage writer, with a short
 * cache, so that a store with retention per policy writes each observation into the policy
 * of its datastream. A changed retention applies to writes within a minute.
 */
@Injectable()
export class RetentionLookup {
  private readonly cache = new Map<string, { retentionDays: number | null; expiresAtMs: number }>();

  constructor(
    private readonly registry: RegistryService,
    private readonly clock: Clock,
  ) {}

  async retentionDays(tenant: string, datastreamId: string): Promise<number | null> {
    const key = `${tenant}\u0000${datastreamId}`;
    const nowMs = this.clock.now();
    const cached = this.cache.get(key);
    if (cached !== undefined && cached.expiresAtMs > nowMs) {
      return cached.retentionDays;
    }

    const datastream = await this.registry.getDatastream(tenant, datastreamId);
    const retentionDays = datastream?.retentionDays ?? null;
    this.cache.set(key, { retentionDays, expiresAtMs: nowMs + CACHE_TTL_MS });

    return retentionDays;
  }
}
