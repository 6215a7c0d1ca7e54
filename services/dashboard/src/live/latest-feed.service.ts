import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ResultValue } from '@stadtdaten/contracts';
import { ProcessLogger } from '@stadtdaten/observability';
import { RegistryService } from '@stadtdaten/registry';
import { TimeSeriesStore } from '@stadtdaten/timeseries';
import { DASHBOARD_OPTIONS, type ResolvedDashboardOptions } from '../dashboard.options';

/** The latest observation of one public datastream, as the live stream sends it. */
export interface LatestEntry {
  datastreamId: string;
  thingId: string;
  /** Observation id, for `/api/v1/observations/{id}/proof`. */
  id: string;
  phenomenonTime: string;
  resultTime: string;
  result: ResultValue;
}

/** Receives every entry once as `snapshot`, then the entries that changed at each poll as `update`. */
export type LatestListener = (entries: LatestEntry[], kind: 'snapshot' | 'update') => void;

interface TenantFeed {
  listeners: Set<LatestListener>;
  /** Subscriptions, including those still waiting for the first poll. */
  subscriptions: number;
  latest: Map<string, LatestEntry>;
  /** Serialized form of each entry, to find the changed ones. */
  fingerprints: Map<string, string>;
  timer: NodeJS.Timeout;
  /** The first poll; subscribers wait for it before they take a snapshot. */
  ready: Promise<void>;
  polling: boolean;
  failures: number;
}

/**
 * Polls the time-series store for the latest value of every public datastream of a tenant
 * while at least one live stream of that tenant is open. One poll serves every stream of the
 * tenant, so the store load does not grow with the number of visitors.
 */
@Injectable()
export class LatestFeedService implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly feeds = new Map<string, TenantFeed>();
  /** End functions of the open streams, called before the HTTP server closes. */
  private readonly streamEnds = new Set<() => void>();
  private clients = 0;

  constructor(
    private readonly registry: RegistryService,
    private readonly store: TimeSeriesStore,
    private readonly logger: ProcessLogger,
    @Inject(DASHBOARD_OPTIONS) private readonly options: ResolvedDashboardOptions,
  ) {}

  /** Tests whether another stream may open without passing the configured client limit. */
  hasCapacity(): boolean {
    return this.clients < this.options.maxLiveClients;
  }

  /**
   * Registers a listener and returns the function that removes it again. After the tenant's
   * first poll the listener receives the snapshot, and then the changed entries of each later
   * poll. The snapshot is delivered in the same step that registers the listener, so no update
   * can come before it. `end` is called when the application shuts down.
   */
  async subscribe(tenant: string, listener: LatestListener, end: () => void): Promise<() => void> {
    const feed = this.feeds.get(tenant) ?? this.startFeed(tenant);
    feed.subscriptions += 1;
    this.clients += 1;
    this.streamEnds.add(end);
    let subscribed = true;
    const unsubscribe = () => {
      if (!subscribed) {
        return;
      }
      subscribed = false;
      this.streamEnds.delete(end);
      this.clients -= 1;
      feed.subscriptions -= 1;
      feed.listeners.delete(listener);
      if (feed.subscriptions === 0 && this.feeds.get(tenant) === feed) {
        clearInterval(feed.timer);
        this.feeds.delete(tenant);
      }
    };
    await feed.ready;
    if (subscribed) {
      feed.listeners.add(listener);
      listener([...feed.latest.values()], 'snapshot');
    }

    return unsubscribe;
  }

  /** Ends every open stream, so that the HTTP server can close without waiting for them. */
  beforeApplicationShutdown(): void {
    for (const end of [...this.streamEnds]) {
      end();
    }
  }

  onApplicationShutdown(): void {
    for (const feed of this.feeds.values()) {
      clearInterval(feed.timer);
    }
    this.feeds.clear();
  }

  private startFeed(tenant: string): TenantFeed {
    const feed: TenantFeed = {
      listeners: new Set(),
      subscriptions: 0,
      latest: new Map(),
      fingerprints: new Map(),
      timer: setInterval(() => void this.poll(tenant, feed), this.options.liveIntervalMs),
      ready: Promise.resolve(),
      polling: false,
      failures: 0,
    };
    feed.timer.unref();
    feed.ready = this.poll(tenant, feed);
    this.feeds.set(tenant, feed);

    return feed;
  }

  private async poll(tenant: string, feed: TenantFeed): Promise<void> {
    if (feed.polling) {
      return;
    }
    feed.polling = true;
    try {
      const changed = await this.readChanges(tenant, feed);
      if (feed.failures > 0) {
        this.logger.root.info({ tenant, failures: feed.failures }, 'live feed recovered');
        feed.failures = 0;
      }
      if (changed.length > 0) {
        for (const listener of feed.listeners) {
          listener(changed, 'update');
        }
      }
    } catch (error) {
      // Logged on the first failure of a streak only; the next success logs the recovery with the count.
      if (feed.failures === 0) {
        this.logger.root.warn({ tenant, err: error }, 'live feed poll failed; retrying at the next interval');
      }
      feed.failures += 1;
    } finally {
      feed.polling = false;
    }
  }

  private async readChanges(tenant: string, feed: TenantFeed): Promise<LatestEntry[]> {
    const datastreams = await this.registry.listDatastreams(tenant, { publicOnly: true });
    const publicIds = datastreams.filter((datastream) => datastream.classification === 'public').map((d) => d.id);
    const thingOf = new Map(datastreams.map((datastream) => [datastream.id, datastream.thingId]));
    const rows = publicIds.length > 0 ? await this.store.latest(tenant, publicIds) : new Map();

    const changed: LatestEntry[] = [];
    for (const [datastreamId, row] of rows) {
      const entry: LatestEntry = {
        datastreamId,
        thingId: thingOf.get(datastreamId) ?? '',
        id: row.id,
        phenomenonTime: new Date(row.phenomenonTimeMs).toISOString(),
        resultTime: new Date(row.resultTimeMs).toISOString(),
        result: row.result,
      };
      const fingerprint = JSON.stringify(entry);
      if (feed.fingerprints.get(datastreamId) !== fingerprint) {
        feed.fingerprints.set(datastreamId, fingerprint);
        feed.latest.set(datastreamId, entry);
        changed.push(entry);
      }
    }
    // A datastream that was retired or made non-public leaves the feed.
    for (const datastreamId of [...feed.latest.keys()]) {
      if (!rows.has(datastreamId)) {
        feed.latest.delete(datastreamId);
        feed.fingerprints.delete(datastreamId);
      }
    }

    return changed;
  }
}
