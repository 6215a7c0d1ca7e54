import type { CatalogDataset } from '../dcat/catalog-model';
import type { OpenDataSettings } from '../opendata-settings';
import { CkanError, type CkanClient } from './ckan-client';
import { type DesiredPackage, changedPackageFields, desiredPackage, resourceChanged } from './ckan-package.mapper';

export type PublicationStateName = 'published' | 'pending' | 'failed';

/** The publication state of one dataset, as GET /api/v1/opendata/publication lists it. */
export interface PublicationState {
  datasetId: string;
  tenant: string;
  /** Name of the package on the portal. */
  package: string;
  state: PublicationStateName;
  /** Resources the package has out of those it should have, after the last attempt. */
  resourcesPublished: number;
  resourcesTotal: number;
  /** UTC ISO 8601 time of the last attempt. */
  attemptedAt?: string;
  /** UTC ISO 8601 time of the last attempt that completed. */
  publishedAt?: string;
  /** Error message of the last failed attempt. The next run starts again from the portal's state. */
  error?: string;
  /** The step that failed: package_show, package_create, package_patch, resource_create or resource_patch. */
  failedStep?: string;
}

export interface PublicationRun {
  startedAt: string;
  finishedAt: string;
  published: number;
  failed: number;
}

type StoredPackage = Record<string, unknown> & { id: string; resources?: Array<Record<string, unknown> & { id: string; url: string }> };

/**
 * Brings the packages of a CKAN portal in line with the catalog's datasets: looks each one
 * up (package_show), creates it (package_create) or patches changed fields (package_patch),
 * then creates missing resources and patches changed ones. Every run starts from what the
 * portal has, so a run that stopped halfway (a package without some resources) is completed
 * by the next run, and until then its state is "failed" with the step and the error.
 */
export class CkanPublisher {
  private readonly states = new Map<string, PublicationState>();
  private lastRun?: PublicationRun;

  constructor(
    private readonly client: CkanClient,
    private readonly settings: OpenDataSettings,
    private readonly organization: string,
    private readonly baseUrl: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** States of every dataset of the last catalog, ordered by dataset id. */
  publication(): { datasets: PublicationState[]; lastRun?: PublicationRun } {
    return { datasets: [...this.states.values()].sort((a, b) => (a.datasetId < b.datasetId ? -1 : 1)), lastRun: this.lastRun };
  }

  /** Marks new datasets pending and forgets datasets that left the catalog. */
  plan(datasets: CatalogDataset[]): void {
    const ids = new Set(datasets.map((dataset) => dataset.id));
    for (const id of this.states.keys()) {
      if (!ids.has(id)) {
        // TODO: make the package of a dataset that is no longer public private on the portal (package_patch private=true).
        this.states.delete(id);
      }
    }
    for (const dataset of datasets) {
      if (!this.states.has(dataset.id)) {
        const desired = desiredPackage(dataset, this.settings, this.organization, this.baseUrl);
        this.states.set(dataset.id, {
          datasetId: dataset.id,
          tenant: dataset.tenant,
          package: desired.fields.name,
          state: 'pending',
          resourcesPublished: 0,
          resourcesTotal: desired.resources.length,
        });
      }
    }
  }

  /** Publishes every dataset, one after another; a failure of one does not stop the others. */
  async publish(datasets: CatalogDataset[]): Promise<PublicationRun> {
    const startedAt = new Date(this.now()).toISOString();
    this.plan(datasets);
    let published = 0;
    let failed = 0;
    for (const dataset of datasets) {
      const ok = await this.publishOne(dataset);
      published += ok ? 1 : 0;
      failed += ok ? 0 : 1;
    }
    this.lastRun = { startedAt, finishedAt: new Date(this.now()).toISOString(), published, failed };

    return this.lastRun;
  }

  private async publishOne(dataset: CatalogDataset): Promise<boolean> {
    const desired = desiredPackage(dataset, this.settings, this.organization, this.baseUrl);
    const state = this.states.get(dataset.id)!;
    const attemptedAt = new Date(this.now()).toISOString();
    const progress = { step: 'package_show', resourcesPublished: 0 };
    try {
      const stored = await this.ensurePackage(desired, progress);
      await this.ensureResources(stored, desired, progress);
      Object.assign(state, {
        state: 'published',
        package: desired.fields.name,
        resourcesPublished: desired.resources.length,
        resourcesTotal: desired.resources.length,
        attemptedAt,
        publishedAt: attemptedAt,
        error: undefined,
        failedStep: undefined,
      });

      return true;
    } catch (error) {
      Object.assign(state, {
        state: 'failed',
        package: desired.fields.name,
        resourcesPublished: progress.resourcesPublished,
        resourcesTotal: desired.resources.length,
        attemptedAt,
        error: (error as Error).message,
        failedStep: error instanceof CkanError ? error.action : progress.step,
      });

      return false;
    }
  }

  private async ensurePackage(desired: DesiredPackage, progress: { step: string }): Promise<StoredPackage> {
    progress.step = 'package_show';
    const stored = await this.client.showPackage<StoredPackage>(desired.fields.name);
    if (stored === undefined) {
      progress.step = 'package_create';

      return this.createPackage(desired);
    }
    const changed = changedPackageFields(stored, desired.fields);
    if (changed.length === 0) {
      return stored;
    }
    progress.step = 'package_patch';
    const patch = Object.fromEntries(changed.map((key) => [key, desired.fields[key]]));
    const patched = await this.client.call<StoredPackage>('package_patch', { id: stored.id, ...patch });

    return { ...patched, resources: patched.resources ?? stored.resources };
  }

  /**
   * Creates the package without resources. When the create failed without an answer that
   * says why (a retry after a lost response), the package may exist: look once more.
   */
  private async createPackage(desired: DesiredPackage): Promise<StoredPackage> {
    try {
      return await this.client.call<StoredPackage>('package_create', { ...desired.fields });
    } catch (error) {
      const existing = await this.client.showPackage<StoredPackage>(desired.fields.name).catch(() => undefined);
      if (existing !== undefined) {
        return existing;
      }
      throw error;
    }
  }

  private async ensureResources(stored: StoredPackage, desired: DesiredPackage, progress: { step: string; resourcesPublished: number }): Promise<void> {
    const byUrl = new Map((stored.resources ?? []).map((resource) => [resource.url, resource]));
    progress.resourcesPublished = desired.resources.filter((resource) => byUrl.has(resource.url)).length;
    for (const resource of desired.resources) {
      const existing = byUrl.get(resource.url);
      if (existing === undefined) {
        progress.step = 'resource_create';
        await this.client.call('resource_create', { package_id: stored.id, ...resource });
        progress.resourcesPublished += 1;
      } else if (resourceChanged(existing, resource)) {
        progress.step = 'resource_patch';
        await this.client.call('resource_patch', { id: existing.id, ...resource });
      }
    }
  }
}
