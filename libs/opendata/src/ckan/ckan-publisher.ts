import type { CatalogDataset } from '../dcat/catalog-model';
import type { OpenDataSettings } from '../opendata-settings';
import { CkanError, type CkanClient } from './ckan-client';
import { type DesiredPackage, changedPackageFields, desiredPackage, resourceChanged } from './ckan-package.mapper';
import type { PublicationRun, PublicationState } from './publication-state';
import type { PublicationStore } from './publication-store.port';

type StoredPackage = Record<string, unknown> & { id: string; resources?: Array<Record<string, unknown> & { id: string; url: string }> };

/** Progress of one publication attempt: the Action API call under way, and the package id once known. */
interface Progress {
  step: string;
  resourcesPublished: number;
  packageId?: string;
}

/**
 * Brings the packages of a CKAN portal in line with the catalog's datasets: looks each one
 * up (package_show), creates it (package_create) or patches changed fields (package_patch),
 * then creates missing resources and patches changed ones. Every run starts from what the
 * portal has, so a run that stopped halfway (a package without some resources) is completed
 * by the next run, and until then its state is "failed" with the step and the error.
 *
 * A dataset that leaves the catalog after an attempt to publish it gets its package made
 * private (package_patch private=true) and stays listed as "withdrawn". Until that call
 * succeeds its state is "failed", and every run tries again. Each state change and each
 * run is written to the store, so the states survive a restart.
 */
export class CkanPublisher {
  private readonly states = new Map<string, PublicationState>();
  private lastRun?: PublicationRun;
  private loading?: Promise<void>;

  constructor(
    private readonly client: CkanClient,
    private readonly store: PublicationStore,
    private readonly settings: OpenDataSettings,
    private readonly organization: string,
    private readonly baseUrl: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Loads the stored states and the last run once. After a failed load, the next call tries again. */
  load(): Promise<void> {
    // NOTE: the states do not name the portal, and rows that another process writes later are not read.
    this.loading ??= this.store.load().then(
      ({ datasets, lastRun }) => {
        for (const state of datasets) {
          this.states.set(state.datasetId, state);
        }
        this.lastRun = lastRun;
      },
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );

    return this.loading;
  }

  /** States of the last catalog's datasets and of the datasets withdrawn from it, ordered by dataset id. */
  publication(): { datasets: PublicationState[]; lastRun?: PublicationRun } {
    return { datasets: [...this.states.values()].sort((a, b) => (a.datasetId < b.datasetId ? -1 : 1)), lastRun: this.lastRun };
  }

  /**
   * Marks new datasets pending, and withdrawn datasets that are back in the catalog. Forgets
   * datasets that left the catalog before any attempt to publish them. publish() withdraws
   * the others.
   */
  async plan(datasets: CatalogDataset[]): Promise<void> {
    await this.load();
    const ids = new Set(datasets.map((dataset) => dataset.id));
    for (const state of [...this.states.values()]) {
      if (!ids.has(state.datasetId) && state.attemptedAt === undefined) {
        await this.forget(state.datasetId);
      }
    }

    for (const dataset of datasets) {
      const previous = this.states.get(dataset.id);
      if (previous !== undefined && previous.state !== 'withdrawn') {
        continue;
      }
      const desired = desiredPackage(dataset, this.settings, this.organization, this.baseUrl);
      const state: PublicationState = {
        ...previous,
        datasetId: dataset.id,
        tenant: dataset.tenant,
        package: desired.fields.name,
        state: 'pending',
        resourcesPublished: previous?.resourcesPublished ?? 0,
        resourcesTotal: desired.resources.length,
        error: undefined,
        failedStep: undefined,
      };
      this.states.set(dataset.id, state);
      await this.store.saveDataset(state);
    }
  }

  /**
   * Withdraws the packages of datasets that left the catalog, then publishes every dataset,
   * one after another. A failure of one does not stop the others.
   */
  async publish(datasets: CatalogDataset[]): Promise<PublicationRun> {
    const startedAt = new Date(this.now()).toISOString();
    await this.plan(datasets);
    const ids = new Set(datasets.map((dataset) => dataset.id));
    const counts = { published: 0, failed: 0, withdrawn: 0 };

    const leaving = [...this.states.values()].filter((state) => !ids.has(state.datasetId) && state.state !== 'withdrawn');
    for (const state of leaving) {
      const outcome = await this.withdrawOne(state);
      if (outcome !== 'absent') {
        counts[outcome] += 1;
      }
    }
    for (const dataset of datasets) {
      const ok = await this.publishOne(dataset);
      counts[ok ? 'published' : 'failed'] += 1;
    }

    this.lastRun = { startedAt, finishedAt: new Date(this.now()).toISOString(), ...counts };
    await this.store.saveRun(this.lastRun);

    return this.lastRun;
  }

  /**
   * Makes the dataset's package private. A package that the portal does not have leaves
   * nothing public, so the state becomes "withdrawn" if the dataset was ever published, and
   * is forgotten ("absent") otherwise.
   */
  private async withdrawOne(state: PublicationState): Promise<'withdrawn' | 'absent' | 'failed'> {
    const attemptedAt = new Date(this.now()).toISOString();
    const failure = await this.client.call('package_patch', { id: state.packageId ?? state.package, private: true }).then(
      () => undefined,
      (error: unknown) => error,
    );
    const absent = failure instanceof CkanError && failure.notFound;

    if (failure !== undefined && !absent) {
      const message = (failure as Error).message;
      Object.assign(state, { state: 'failed', attemptedAt, error: `withdrawal failed, so the package may still be public: ${message}`, failedStep: 'package_patch' });
      await this.store.saveDataset(state);

      return 'failed';
    }
    if (absent && state.publishedAt === undefined) {
      await this.forget(state.datasetId);

      return 'absent';
    }
    Object.assign(state, { state: 'withdrawn', attemptedAt, error: undefined, failedStep: undefined });
    await this.store.saveDataset(state);

    return 'withdrawn';
  }

  private async forget(datasetId: string): Promise<void> {
    this.states.delete(datasetId);
    await this.store.removeDataset(datasetId);
  }

  private async publishOne(dataset: CatalogDataset): Promise<boolean> {
    const desired = desiredPackage(dataset, this.settings, this.organization, this.baseUrl);
    const state = this.states.get(dataset.id)!;
    const attemptedAt = new Date(this.now()).toISOString();
    const progress: Progress = { step: 'package_show', resourcesPublished: 0, packageId: state.packageId };
    let ok = true;
    try {
      const stored = await this.ensurePackage(desired, progress);
      await this.ensureResources(stored, desired, progress);
      Object.assign(state, {
        state: 'published',
        package: desired.fields.name,
        packageId: stored.id,
        resourcesPublished: desired.resources.length,
        resourcesTotal: desired.resources.length,
        attemptedAt,
        publishedAt: attemptedAt,
        error: undefined,
        failedStep: undefined,
      });
    } catch (error) {
      ok = false;
      Object.assign(state, {
        state: 'failed',
        package: desired.fields.name,
        packageId: progress.packageId,
        resourcesPublished: progress.resourcesPublished,
        resourcesTotal: desired.resources.length,
        attemptedAt,
        error: (error as Error).message,
        failedStep: error instanceof CkanError ? error.action : progress.step,
      });
    }
    await this.store.saveDataset(state);

    return ok;
  }

  private async ensurePackage(desired: DesiredPackage, progress: Progress): Promise<StoredPackage> {
    progress.step = 'package_show';
    const stored = await this.client.showPackage<StoredPackage>(desired.fields.name);
    if (stored === undefined) {
      progress.step = 'package_create';
      const created = await this.createPackage(desired);
      progress.packageId = created.id;

      return created;
    }
    progress.packageId = stored.id;
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

  private async ensureResources(stored: StoredPackage, desired: DesiredPackage, progress: Progress): Promise<void> {
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
