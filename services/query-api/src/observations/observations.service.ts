import { Injectable } from '@nestjs/common';
import { type Aggregate, AppError, Clock, ErrorCode, type ResultValue, type StoredObservation } from '@stadtdaten/contracts';
import { EnvelopeCipher, observationContext } from '@stadtdaten/keys';
import type { DatastreamDto } from '@stadtdaten/registry';
import { PersonalTimeSeriesStore } from '@stadtdaten/runtime';
import { TimeSeriesStore } from '@stadtdaten/timeseries';
import { Inject } from '@nestjs/common';
import { type AggregateResult, RollupAggregateService } from './rollup-aggregate.service';

/** Rows per store query while streaming an export. */
const EXPORT_PAGE_SIZE = 5000;

/** Reads observations of one datastream from the store its classification routes to. */
@Injectable()
export class ObservationsService {
  constructor(
    private readonly store: TimeSeriesStore,
    @Inject(PersonalTimeSeriesStore) private readonly personalStore: TimeSeriesStore,
    private readonly cipher: EnvelopeCipher,
    readonly clock: Clock,
    private readonly rollups: RollupAggregateService,
  ) {}

  /** Observations of the range; results of personal datastreams come back decrypted. */
  async raw(datastream: DatastreamDto, fromMs: number, toMs: number, limit: number, order: 'asc' | 'desc') {
    const rows = await this.storeFor(datastream).query({
      tenant: datastream.tenant,
      datastreamId: datastream.id,
      fromMs,
      toMs,
      limit,
      order,
    });

    return datastream.classification === 'personal' ? Promise.all(rows.map((row) => this.decrypted(row))) : rows;
  }

  /** Aggregates per interval, from the analytics rollups where they serve a long range (RollupAggregateService). */
  aggregated(
    datastream: DatastreamDto,
    fromMs: number,
    toMs: number,
    aggregate: Aggregate,
    intervalMs: number,
  ): Promise<AggregateResult> {
    if (datastream.classification === 'personal') {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        `datastream "${datastream.id}" is personal and stored encrypted, so the store cannot aggregate it; read the raw observations instead`,
      );
    }

    return this.rollups.aggregate({
      tenant: datastream.tenant,
      datastreamId: datastream.id,
      fromMs,
      toMs,
      aggregate,
      intervalMs,
    });
  }

  /** Yields the range page by page, oldest first, so an export never keeps the whole range in memory. */
  async *pages(datastream: DatastreamDto, fromMs: number, toMs: number): AsyncGenerator<StoredObservation[]> {
    let cursor = fromMs;
    for (;;) {
      const page = await this.raw(datastream, cursor, toMs, EXPORT_PAGE_SIZE, 'asc');
      if (page.length > 0) {
        yield page;
      }
      if (page.length < EXPORT_PAGE_SIZE) {
        return;
      }
      cursor = page[page.length - 1].phenomenonTimeMs + 1;
    }
  }

  latest(tenant: string, datastreams: DatastreamDto[]) {
    const personal = datastreams.filter((d) => d.classification === 'personal').map((d) => d.id);
    const other = datastreams.filter((d) => d.classification !== 'personal').map((d) => d.id);

    return Promise.all([
      other.length > 0 ? this.store.latest(tenant, other) : new Map<string, StoredObservation>(),
      personal.length > 0 ? this.personalStore.latest(tenant, personal) : new Map<string, StoredObservation>(),
    ]).then(async ([a, b]) => {
      const decrypted = await Promise.all([...b].map(async ([id, row]) => [id, await this.decrypted(row)] as const));

      return new Map([...a, ...decrypted]);
    });
  }

  private async decrypted(row: StoredObservation): Promise<StoredObservation> {
    if (typeof row.result !== 'string' || !EnvelopeCipher.isEnvelope(row.result)) {
      return row;
    }
    const plain = await this.cipher.decrypt(row.tenant, row.result, observationContext(row.datastreamId, row.phenomenonTimeMs));

    return { ...row, result: JSON.parse(plain) as ResultValue };
  }

  private storeFor(datastream: DatastreamDto): TimeSeriesStore {
    return datastream.classification === 'personal' ? this.personalStore : this.store;
  }
}
