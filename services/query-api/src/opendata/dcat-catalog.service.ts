import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '@stadtdaten/contracts';
import { type CatalogDataset, CatalogSource, OpenDataSettings, buildDcatCatalog, catalogJsonLd, catalogTurtle } from '@stadtdaten/opendata';
import { RegistryService } from '@stadtdaten/registry';
import { TimeSeriesStore } from '@stadtdaten/timeseries';

/** How long the datasets (with their observation time spans) are reused before they are read again. */
const CATALOG_CACHE_MS = 60_000;

/**
 * The platform's DCAT-AP.de catalog. The datasets are read from the registry and the store
 * at most once a minute, and again after every registry change through this process.
 */
@Injectable()
export class DcatCatalogService implements OnModuleDestroy {
  private readonly source: CatalogSource;
  private cached?: { datasets: Promise<CatalogDataset[]>; readAtMs: number };
  private readonly stopListening: () => void;

  constructor(
    registry: RegistryService,
    store: TimeSeriesStore,
    private readonly settings: OpenDataSettings,
    private readonly clock: Clock,
  ) {
    this.source = new CatalogSource(registry, store);
    this.stopListening = registry.onChange(() => {
      this.cached = undefined;
    });
  }

  /** Returns the public datasets, one per thing with a public datastream. */
  datasets(): Promise<CatalogDataset[]> {
    const nowMs = this.clock.now();
    if (this.cached === undefined || nowMs - this.cached.readAtMs > CATALOG_CACHE_MS) {
      const datasets = this.source.datasets();
      this.cached = { datasets, readAtMs: nowMs };
      // A failed read is not cached, so the next request tries again.
      datasets.catch(() => {
        this.cached = undefined;
      });
    }

    return this.cached.datasets;
  }

  /** Returns the base URL of catalog links: the configured public URL, or the one the request came to. */
  baseUrl(requestBaseUrl: string): string {
    return this.settings.baseUrl ?? requestBaseUrl;
  }

  async jsonLd(requestBaseUrl: string): Promise<Record<string, unknown>> {
    return catalogJsonLd(buildDcatCatalog(await this.datasets(), this.settings, this.baseUrl(requestBaseUrl)));
  }

  async turtle(requestBaseUrl: string): Promise<string> {
    return catalogTurtle(buildDcatCatalog(await this.datasets(), this.settings, this.baseUrl(requestBaseUrl)));
  }

  onModuleDestroy(): void {
    this.stopListening();
  }
}
