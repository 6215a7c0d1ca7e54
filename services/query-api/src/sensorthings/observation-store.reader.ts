import { Inject, Injectable } from '@nestjs/common';
import type { Aggregate, AggregatePoint, StoredObservation } from '@stadtdaten/contracts';
import type { DatastreamDto } from '@stadtdaten/registry';
import { AuditTrail, PersonalTimeSeriesStore } from '@stadtdaten/runtime';
import { TimeSeriesStore } from '@stadtdaten/timeseries';
import { ObservationsService } from '../observations/observations.service';
import type { StaContext } from './sta-context';

/**
 * Range reads of one datastream through the REST API's ObservationsService, so personal
 * results come back decrypted from their own store, plus the audit entries of such reads.
 */
@Injectable()
export class ObservationStoreReader {
  constructor(
    private readonly observations: ObservationsService,
    private readonly audit: AuditTrail,
    private readonly store: TimeSeriesStore,
    @Inject(PersonalTimeSeriesStore) private readonly personalStore: TimeSeriesStore,
  ) {}

  query(
    datastream: DatastreamDto,
    fromMs: number,
    toMs: number,
    limit: number,
    order: 'asc' | 'desc',
  ): Promise<StoredObservation[]> {
    return this.observations.raw(datastream, fromMs, toMs, limit, order);
  }

  /** Aggregates numeric results; personal datastreams are stored encrypted, so callers leave them out. */
  aggregate(
    datastream: DatastreamDto,
    fromMs: number,
    toMs: number,
    aggregate: Aggregate,
    intervalMs: number,
  ): Promise<AggregatePoint[]> {
    return this.observations.aggregated(datastream, fromMs, toMs, aggregate, intervalMs).then((result) => result.points);
  }

  /** Counts every stored observation of the datastream, whatever its time. */
  count(datastream: DatastreamDto): Promise<number> {
    const store = datastream.classification === 'personal' ? this.personalStore : this.store;

    return store.count(datastream.tenant, datastream.id);
  }

  /** Records a read of observations of non-public datastreams, as the REST API does. */
  async auditReads(context: StaContext, datastreams: readonly DatastreamDto[]): Promise<void> {
    for (const datastream of datastreams.filter((candidate) => candidate.classification !== 'public')) {
      await this.audit.record(
        context.principal,
        datastream.classification === 'personal' ? 'PERSONAL_DATA_READ' : 'DATA_READ_NON_PUBLIC',
        { tenant: datastream.tenant, resourceType: 'datastream', resourceId: datastream.id },
        'success',
        { api: 'sensorthings' },
      );
    }
  }
}
