import type { PublicationRun, PublicationState } from './publication-state';

/** Storage of the CKAN publisher's state across restarts: each dataset's publication state and the last run. */
export abstract class PublicationStore {
  /** Loads every stored dataset state and the last run. */
  abstract load(): Promise<{ datasets: PublicationState[]; lastRun?: PublicationRun }>;

  /** Inserts or replaces the dataset's state. */
  abstract saveDataset(state: PublicationState): Promise<void>;

  /** Deletes the dataset's state; a missing one is no error. */
  abstract removeDataset(datasetId: string): Promise<void>;

  /** Replaces the stored last run. */
  abstract saveRun(run: PublicationRun): Promise<void>;
}
