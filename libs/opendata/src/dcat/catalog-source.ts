import type { RegistryService } from '@stadtdaten/registry';
import type { TimeSeriesStore } from '@stadtdaten/timeseries';
import { type CatalogDataset, type DatastreamStats, type PublicThing, buildCatalogDatasets } from './catalog-model';

/** Range that counts as "all time" for the first observation; InfluxDB stores times from 1677 to 2262 only. */
const ALL_TIME = { fromMs: Date.UTC(1900, 0, 1), toMs: Date.UTC(2200, 0, 1) };

/**
 * Reads the public part of the registry and the time span of each public datastream, and
 * builds the catalog's datasets. Datastreams classified internal or personal, and retired
 * ones, never reach the catalog, because the registry's publicOnly lists leave them out.
 */
export class CatalogSource {
  constructor(
    private readonly registry: RegistryService,
    private readonly store: TimeSeriesStore,
  ) {}

  async datasets(): Promise<CatalogDataset[]> {
    const things: PublicThing[] = [];
    for (const tenant of await this.registry.listTenants()) {
      things.push(...(await this.publicThings(tenant.id)));
    }

    return buildCatalogDatasets(things);
  }

  private async publicThings(tenant: string): Promise<PublicThing[]> {
    const things = await this.registry.listThings(tenant, { publicOnly: true });
    const datastreams = (await this.registry.listDatastreams(tenant, { publicOnly: true })).filter(
      (datastream) => datastream.classification === 'public' && !datastream.retired,
    );
    const latest = await this.store.latest(
      tenant,
      datastreams.map((datastream) => datastream.id),
    );

    const result: PublicThing[] = [];
    for (const thing of things) {
      const own = datastreams.filter((datastream) => datastream.thingId === thing.id);
      const withStats = [];
      for (const datastream of own) {
        withStats.push({ datastream, stats: await this.stats(tenant, datastream.id, latest.get(datastream.id)?.phenomenonTimeMs) });
      }
      result.push({ thing, datastreams: withStats });
    }

    return result;
  }

  private async stats(tenant: string, datastreamId: string, lastMs: number | undefined): Promise<DatastreamStats> {
    if (lastMs === undefined) {
      return { count: 0 };
    }
    const [first] = await this.store.query({ tenant, datastreamId, ...ALL_TIME, limit: 1, order: 'asc' });
    // NOTE: count() walks the datastream's index in SQLite (linear in its observations); the query API caches the catalog for a minute.
    const count = await this.store.count(tenant, datastreamId);

    return { count, firstMs: first?.phenomenonTimeMs, lastMs };
  }
}
