import { Injectable } from '@nestjs/common';
import { type AggregatePoint, Clock, isDerivedType } from '@stadtdaten/contracts';
import { RegistryService } from '@stadtdaten/registry';
import {
  type AggregateQuery,
  type RollupLevel,
  TimeSeriesStore,
  aggregateWithRollups,
  rollupCoverage,
  rollupSourcesOf,
  selectRollup,
} from '@stadtdaten/timeseries';

/** Source of an aggregate: the raw observations, or the rollups of one level with raw edges. */
export type AggregateSource = 'raw' | `rollup-${RollupLevel}`;

/** Response header that names the AggregateSource of an aggregate response. */
export const AGGREGATE_SOURCE_HEADER = 'X-Stadtdaten-Aggregate-Source';

export interface AggregateResult {
  points: AggregatePoint[];
  source: AggregateSource;
}

/**
 * Aggregates a non-personal datastream per interval. Long ranges are read from the rollups
 * that the analytics service writes, where selectRollup picks a level, the rollup datastreams
 * are registered for the source, and stored rollups lie in the range. Everything else, and
 * the parts of the range that the rollups do not cover, is read from the raw observations.
 */
@Injectable()
export class RollupAggregateService {
  constructor(
    private readonly store: TimeSeriesStore,
    private readonly registry: RegistryService,
    private readonly clock: Clock,
  ) {}

  async aggregate(query: AggregateQuery): Promise<AggregateResult> {
    const level = selectRollup(query.toMs - query.fromMs, query.intervalMs);
    if (level === undefined || !(await this.hasRollups(query, level))) {
      return this.raw(query);
    }
    const span = await rollupCoverage(this.store, query, level, this.clock.now());
    if (span === undefined) {
      return this.raw(query);
    }

    return { points: await aggregateWithRollups(this.store, query, level, span), source: `rollup-${level}` };
  }

  private async raw(query: AggregateQuery): Promise<AggregateResult> {
    return { points: await this.store.aggregate(query), source: 'raw' };
  }

  /**
   * Tests whether the rollup datastreams that the aggregate reads belong to a device of an
   * analytics device type and are not retired. A device of another type with the same id is
   * never read as rollups.
   */
  private async hasRollups(query: AggregateQuery, level: RollupLevel): Promise<boolean> {
    const ids = rollupSourcesOf(query.datastreamId, query.aggregate, level);
    if (ids.length === 0) {
      return false;
    }
    // Device ids contain no dot, so the rollup device is the part of the id before the first one.
    const deviceId = ids[0].slice(0, ids[0].indexOf('.'));
    const device = await this.registry.getDeviceContext(query.tenant, deviceId);
    if (device === undefined || !isDerivedType(device.deviceType)) {
      return false;
    }

    return ids.every((id) =>
      device.datastreams.some((binding) => binding.datastreamId === id && !binding.retired),
    );
  }
}
