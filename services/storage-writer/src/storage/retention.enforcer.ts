import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '@stadtdaten/contracts';
import { type Logger, ProcessLogger } from '@stadtdaten/observability';
import { RegistryService } from '@stadtdaten/registry';
import { PersonalTimeSeriesStore } from '@stadtdaten/runtime';
import { TimeSeriesStore } from '@stadtdaten/timeseries';

const DAY_MS = 86_400_000;
/** How often observations past their retention are deleted. */
export const RETENTION_INTERVAL_MS = 3_600_000;
/** Earliest time any store keeps, as the lower end of a deletion. */
const BEGINNING_MS = -8_640_000_000_000_000;

/**
 * Deletes observations older than their datastream's retention (retentionDays) from stores that
 * do not expire them by themselves (the SQLite stores; InfluxDB's retention policies already do),
 * at start and then hourly.
 */
@Injectable()
export class RetentionEnforcer implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private readonly log: Logger;

  constructor(
    private readonly registry: RegistryService,
    private readonly store: TimeSeriesStore,
    @Inject(PersonalTimeSeriesStore) private readonly personalStore: TimeSeriesStore,
    private readonly clock: Clock,
    logger: ProcessLogger,
  ) {
    this.log = logger.child({ component: 'retention' });
  }

  onApplicationBootstrap(): void {
    if (this.store.enforcesRetention && this.personalStore.enforcesRetention) {
      return;
    }
    this.running = this.enforce();
    this.timer = setInterval(() => {
      this.running = this.enforce();
    }, RETENTION_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over every datastream with a retention; returns how many datastreams it trimmed. */
  async enforce(): Promise<number> {
    let trimmed = 0;
    try {
      for (const tenant of await this.registry.listTenants()) {
        for (const datastream of await this.registry.listDatastreams(tenant.id)) {
          const store = datastream.classification === 'personal' ? this.personalStore : this.store;
          if (datastream.retentionDays === null || store.enforcesRetention) {
            continue;
          }
          const cutoffMs = this.clock.now() - datastream.retentionDays * DAY_MS;
          await store.deleteRange(tenant.id, datastream.id, BEGINNING_MS, cutoffMs);
          trimmed += 1;
        }
      }
    } catch (error) {
      this.log.error({ err: error }, 'retention pass failed; the next pass tries again');
    }

    return trimmed;
  }
}
