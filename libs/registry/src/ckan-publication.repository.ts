import type { EntityManager } from 'typeorm';
import { CkanPublicationRunEntity } from './entities/ckan-publication-run.entity';
import { CkanPublicationEntity } from './entities/ckan-publication.entity';
import type { WriteLock } from './write-lock';

/** One dataset's row of the CKAN publication state, with times in UTC ISO 8601. */
export interface CkanPublicationRecord {
  datasetId: string;
  tenant: string;
  packageName: string;
  packageId?: string;
  state: string;
  resourcesPublished: number;
  resourcesTotal: number;
  attemptedAt?: string;
  publishedAt?: string;
  error?: string;
  failedStep?: string;
}

/** The last publication run, with times in UTC ISO 8601. */
export interface CkanPublicationRunRecord {
  startedAt: string;
  finishedAt: string;
  published: number;
  failed: number;
  withdrawn: number;
}

/** Primary key of the only row of ckan_publication_run. */
const LAST_RUN_ID = 1;

/**
 * Reads and writes the CKAN publication state in the registry database. Writes wait for the
 * registry's catalog transactions, because the SQLite driver shares one connection. They
 * notify no registry change listener, because the publisher itself runs on those notifications.
 */
export class CkanPublicationRepository {
  constructor(
    private readonly manager: EntityManager,
    private readonly writes: WriteLock,
  ) {}

  /** Lists every dataset's row, ordered by dataset id. */
  async list(): Promise<CkanPublicationRecord[]> {
    await this.writes.idle();
    const rows = await this.manager.find(CkanPublicationEntity, { order: { datasetId: 'ASC' } });

    return rows.map(toRecord);
  }

  /** Inserts the dataset's row or replaces it. */
  save(record: CkanPublicationRecord): Promise<void> {
    return this.writes.run(async () => {
      await this.manager.upsert(CkanPublicationEntity, toEntity(record), ['datasetId']);
    });
  }

  /** Deletes the dataset's row, if there is one. */
  remove(datasetId: string): Promise<void> {
    return this.writes.run(async () => {
      await this.manager.delete(CkanPublicationEntity, { datasetId });
    });
  }

  async lastRun(): Promise<CkanPublicationRunRecord | undefined> {
    await this.writes.idle();
    const row = await this.manager.findOneBy(CkanPublicationRunEntity, { id: LAST_RUN_ID });
    if (row === null) {
      return undefined;
    }

    return {
      startedAt: row.startedAt.toISOString(),
      finishedAt: row.finishedAt.toISOString(),
      published: row.published,
      failed: row.failed,
      withdrawn: row.withdrawn,
    };
  }

  /** Replaces the stored last run. */
  saveRun(run: CkanPublicationRunRecord): Promise<void> {
    const row = {
      ...run,
      id: LAST_RUN_ID,
      startedAt: new Date(run.startedAt),
      finishedAt: new Date(run.finishedAt),
    };

    return this.writes.run(async () => {
      await this.manager.upsert(CkanPublicationRunEntity, row, ['id']);
    });
  }
}

function toRecord(row: CkanPublicationEntity): CkanPublicationRecord {
  return {
    datasetId: row.datasetId,
    tenant: row.tenantId,
    packageName: row.packageName,
    packageId: row.packageId ?? undefined,
    state: row.state,
    resourcesPublished: row.resourcesPublished,
    resourcesTotal: row.resourcesTotal,
    attemptedAt: row.attemptedAt?.toISOString(),
    publishedAt: row.publishedAt?.toISOString(),
    error: row.error ?? undefined,
    failedStep: row.failedStep ?? undefined,
  };
}

function toEntity(record: CkanPublicationRecord): CkanPublicationEntity {
  return {
    datasetId: record.datasetId,
    tenantId: record.tenant,
    packageName: record.packageName,
    packageId: record.packageId ?? null,
    state: record.state,
    resourcesPublished: record.resourcesPublished,
    resourcesTotal: record.resourcesTotal,
    attemptedAt: record.attemptedAt === undefined ? null : new Date(record.attemptedAt),
    publishedAt: record.publishedAt === undefined ? null : new Date(record.publishedAt),
    error: record.error ?? null,
    failedStep: record.failedStep ?? null,
  };
}
