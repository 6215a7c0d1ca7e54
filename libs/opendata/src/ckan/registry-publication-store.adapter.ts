import type { CkanPublicationRecord, RegistryService } from '@stadtdaten/registry';
import type { PublicationRun, PublicationState, PublicationStateName } from './publication-state';
import { PublicationStore } from './publication-store.port';

/** Keeps the publication state in the registry database (SQLite or PostgreSQL). */
export class RegistryPublicationStore extends PublicationStore {
  constructor(private readonly registry: RegistryService) {
    super();
  }

  async load(): Promise<{ datasets: PublicationState[]; lastRun?: PublicationRun }> {
    const repository = this.registry.ckanPublications;
    const [records, lastRun] = await Promise.all([repository.list(), repository.lastRun()]);

    return { datasets: records.map(toState), lastRun };
  }

  saveDataset(state: PublicationState): Promise<void> {
    const { package: packageName, ...rest } = state;

    return this.registry.ckanPublications.save({ ...rest, packageName });
  }

  removeDataset(datasetId: string): Promise<void> {
    return this.registry.ckanPublications.remove(datasetId);
  }

  saveRun(run: PublicationRun): Promise<void> {
    return this.registry.ckanPublications.saveRun(run);
  }
}

function toState(record: CkanPublicationRecord): PublicationState {
  const { packageName, state, ...rest } = record;

  return { ...rest, package: packageName, state: state as PublicationStateName };
}
