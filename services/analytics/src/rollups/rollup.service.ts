import { Injectable } from '@nestjs/common';
import { AppError, Clock, ErrorCode, type Observation, type StoredObservation, isDerivedType } from '@stadtdaten/contracts';
import { type Logger, ProcessLogger } from '@stadtdaten/observability';
import type { DatastreamDto } from '@stadtdaten/registry';
import { ROLLUP_LEVEL_MS, type RollupLevel, TimeSeriesStore, bucketStart, statsOf } from '@stadtdaten/timeseries';
import type { RollupJobDefinition } from '../definition/analytics-file.schema';
import { InputFilter } from '../definition/job-inputs';
import { type DerivedPlan, type DerivedStream, buildPerSourcePlan } from '../derived/derived-catalog';
import { DerivedRegistrar } from '../derived/derived-registrar.service';
import { type DerivedValue, DerivedWriter } from '../derived/derived-writer.service';
import { SourceDirectory, type TenantSources } from '../derived/source-directory.service';
import { JobTracker } from '../jobs/job-tracker.service';
import { TimeSlice } from '../jobs/time-slice';
import { rollupKind } from './rollup.kind';
import { type SeriesState, createSeries, dayStats, isDirty, isDue, markComputed, markReading, settlePending, valuesOf } from './rollup-series';

const MINUTE_MS = ROLLUP_LEVEL_MS['1m'];
const HOUR_MS = ROLLUP_LEVEL_MS['1h'];
const DAY_MS = ROLLUP_LEVEL_MS['1d'];
/** Values per append to the derived topic: one event-log transaction serves many series. */
const MAX_VALUES_PER_WRITE = 2000;

/**
 * Rollups of numeric datastreams (mean, min, max, sum, count per minute, hour and day).
 * Consumed readings mark their buckets dirty. Every flushEvery the dirty buckets are computed
 * again from the time-series store, so late and corrected readings give correct buckets. The
 * storage writer consumes the same topic on its own, so a bucket is computed only once the
 * store shows every consumed reading of it. After maxPendingWait a reading the store still lacks
 * is left out and counted as an error. Outputs carry deterministic ids, so each recomputation
 * replaces the stored value.
 */
@Injectable()
export class RollupService {
  private definition?: RollupJobDefinition;
  private filter?: InputFilter;
  private readonly series = new Map<string, SeriesState>();
  private pendingCount = 0;
  private flushing?: Promise<void>;
  /** Plans per source device, kept as long as the directory serves the same registry snapshot. */
  private readonly plans = new WeakMap<TenantSources, Map<string, DerivedPlan | undefined>>();
  private readonly log: Logger;

  constructor(
    private readonly store: TimeSeriesStore,
    private readonly directory: SourceDirectory,
    private readonly registrar: DerivedRegistrar,
    private readonly writer: DerivedWriter,
    private readonly tracker: JobTracker,
    private readonly clock: Clock,
    logger: ProcessLogger,
  ) {
    this.log = logger.child({ component: 'analytics-rollups' });
  }

  configure(definition: RollupJobDefinition): void {
    this.definition = definition;
    this.filter = new InputFilter(definition.inputs);
  }

  /** Readings consumed but not yet seen in the store. */
  get pendingReadings(): number {
    return this.pendingCount;
  }

  /**
   * Marks the buckets of the numeric readings of eligible datastreams dirty. Throws a retriable
   * AppError UNAVAILABLE while maxPending readings wait for the store, so the consumer retries
   * the batch later instead of holding more in memory.
   */
  async observe(observations: Observation[]): Promise<void> {
    const definition = this.definition;
    if (definition === undefined) {
      return;
    }
    if (this.pendingCount >= definition.parameters.maxPending) {
      throw new AppError(
        ErrorCode.UNAVAILABLE,
        `${this.pendingCount} readings wait for the time-series store before their rollups are computed; the batch is retried when the storage writer has caught up`,
        { retriable: true },
      );
    }

    const nowMs = this.clock.now();
    const slice = new TimeSlice();
    for (const observation of observations) {
      await slice.yieldIfDue();
      if (observation.result.case !== 'number' || !(await this.isSource(observation.tenant, observation.datastreamId))) {
        continue;
      }
      const key = `${observation.tenant}\u0000${observation.datastreamId}`;
      const state = this.series.get(key) ?? createSeries(observation.tenant, observation.datastreamId);
      this.series.set(key, state);
      if (markReading(state, observation, nowMs)) {
        this.pendingCount += 1;
      }
    }
  }

  /** Computes and writes the due dirty buckets; calls made while a flush runs wait for it. */
  async flush(): Promise<void> {
    if (this.flushing !== undefined) {
      return this.flushing;
    }
    this.flushing = this.flushAll().finally(() => {
      this.flushing = undefined;
    });

    return this.flushing;
  }

  private async isSource(tenant: string, datastreamId: string): Promise<boolean> {
    if (!this.filter?.acceptsTenant(tenant)) {
      return false;
    }
    const datastream = await this.directory.datastream(tenant, datastreamId);

    return datastream !== undefined && (await this.isEligible(datastream));
  }

  private async isEligible(datastream: DatastreamDto): Promise<boolean> {
    const numeric = datastream.valueSchema.type === 'number' || datastream.valueSchema.type === 'integer';
    if (!numeric || datastream.classification === 'personal' || !this.filter!.accepts(datastream)) {
      return false;
    }
    const device = (await this.directory.sources(datastream.tenant)).devices.get(datastream.deviceId);

    return device !== undefined && !isDerivedType(device.deviceTypeId);
  }

  private async flushAll(): Promise<void> {
    const definition = this.definition;
    if (definition === undefined) {
      return;
    }
    const byTenant = new Map<string, SeriesState[]>();
    for (const state of this.series.values()) {
      if (isDirty(state)) {
        const states = byTenant.get(state.tenant);
        if (states === undefined) {
          byTenant.set(state.tenant, [state]);
        } else {
          states.push(state);
        }
      }
    }

    for (const [tenant, states] of byTenant) {
      await this.tracker.track(definition.name, tenant, () => this.flushTenant(definition, tenant, states));
    }
    this.prune();
  }

  /**
   * Computes the dirty series of one tenant and writes their values in batches. It yields to
   * the event loop after each slice of about SLICE_BUDGET_MS, so that HTTP and MQTT on the same
   * thread wait little.
   */
  private async flushTenant(definition: RollupJobDefinition, tenant: string, states: SeriesState[]): Promise<Record<string, number>> {
    await this.registerDevices(definition, tenant, states);

    const counts = { datastreams: 0, values: 0, waiting: 0 };
    const slice = new TimeSlice();
    let batch = { values: [] as DerivedValue[], datastreams: 0 };
    const writeBatch = async () => {
      const { values, datastreams } = batch;
      batch = { values: [], datastreams: 0 };
      if (values.length === 0) {
        return;
      }
      try {
        await this.writer.write(values);
      } catch (error) {
        counts.datastreams -= datastreams;
        counts.values -= values.length;
        this.log.warn({ err: error, tenant, datastreams, values: values.length }, 'rollups not written');
        this.tracker.recordError(definition.name, tenant, error);
      }
    };

    for (const state of states) {
      try {
        const values = await this.flushSeries(definition, state);
        batch.values.push(...values);
        batch.datastreams += values.length > 0 ? 1 : 0;
        counts.datastreams += 1;
        counts.values += values.length;
      } catch (error) {
        this.log.warn({ err: error, tenant, datastreamId: state.datastreamId }, 'rollups not computed');
        this.tracker.recordError(definition.name, tenant, error);
      }
      counts.waiting += state.pending.size;
      if (batch.values.length >= MAX_VALUES_PER_WRITE) {
        await writeBatch();
      }
      await slice.yieldIfDue();
    }
    await writeBatch();
    this.tracker.setLag(definition.name, tenant, this.oldestDirtyAge(tenant));

    return counts;
  }

  /**
   * Registers the rollup devices of the dirty series in few catalog documents before the series
   * are computed. A failure here is left to each series' own registration, which reports it.
   */
  private async registerDevices(definition: RollupJobDefinition, tenant: string, states: SeriesState[]): Promise<void> {
    try {
      const sources = await this.directory.sources(tenant);
      const plans: DerivedPlan[] = [];
      const slice = new TimeSlice();
      for (const state of states) {
        const datastream = sources.datastreams.get(state.datastreamId);
        const plan = datastream !== undefined && (await this.isEligible(datastream)) ? this.planOf(definition, sources, datastream) : undefined;
        if (plan !== undefined) {
          plans.push(plan);
        }
        await slice.yieldIfDue();
      }
      await this.registrar.registerAll(plans);
    } catch (error) {
      this.log.warn({ err: error, tenant }, 'merged registration of rollup devices failed');
    }
  }

  /** Computes the due dirty buckets of one series and returns their values, which the caller writes. */
  private async flushSeries(definition: RollupJobDefinition, state: SeriesState): Promise<DerivedValue[]> {
    const nowMs = this.clock.now();
    const streams = await this.streamsOf(definition, state);
    if (streams === undefined) {
      this.forget(state);

      return [];
    }

    const levels = new Set(definition.parameters.levels as RollupLevel[]);
    const values: DerivedValue[] = [];
    const waitingHours = new Set<number>();
    for (const hourStart of [...state.dirtyHours].sort((a, b) => a - b)) {
      const hasMinutes = [...state.dirtyMinutes].some((minute) => bucketStart(minute, HOUR_MS) === hourStart);
      if (!hasMinutes && !isDue(state, hourStart, HOUR_MS, definition.parameters.openBucketRefresh['1h'], nowMs)) {
        continue;
      }
      const hourValues = await this.computeHour(definition, state, streams, levels, hourStart, nowMs);
      if (hourValues === undefined) {
        waitingHours.add(hourStart);
        continue;
      }
      values.push(...hourValues);
    }

    for (const dayStart of [...state.dirtyDays].sort((a, b) => a - b)) {
      const waiting = [...waitingHours].some((hour) => bucketStart(hour, DAY_MS) === dayStart);
      if (waiting || !isDue(state, dayStart, DAY_MS, definition.parameters.openBucketRefresh['1d'], nowMs)) {
        continue;
      }
      const stats = await dayStats(this.store, state, dayStart);
      state.dirtyDays.delete(dayStart);
      markComputed(state, DAY_MS, dayStart, nowMs);
      if (stats !== undefined && levels.has('1d')) {
        values.push(...valuesOf(streams, '1d', dayStart, stats, nowMs));
      }
    }

    state.dirtySinceMs = isDirty(state) ? state.dirtySinceMs : undefined;

    return values;
  }

  /**
   * Reads one hour from the store and returns the values of its dirty minutes, and of the hour
   * when that is due. Returns undefined while the store lacks a consumed reading of the hour.
   */
  private async computeHour(
    definition: RollupJobDefinition,
    state: SeriesState,
    streams: Map<string, DerivedStream>,
    levels: ReadonlySet<RollupLevel>,
    hourStart: number,
    nowMs: number,
  ): Promise<DerivedValue[] | undefined> {
    const rows = await this.store.query({ tenant: state.tenant, datastreamId: state.datastreamId, fromMs: hourStart, toMs: hourStart + HOUR_MS });
    if (!this.settle(definition, state, rows, hourStart, nowMs)) {
      return undefined;
    }

    const numeric = rows.filter((row) => typeof row.result === 'number');
    const values: DerivedValue[] = [];
    const minutes = [...state.dirtyMinutes].filter((minute) => bucketStart(minute, HOUR_MS) === hourStart);
    for (const minuteStart of minutes) {
      state.dirtyMinutes.delete(minuteStart);
      const stats = statsOf(numeric.filter((row) => bucketStart(row.phenomenonTimeMs, MINUTE_MS) === minuteStart).map((row) => row.result as number));
      if (stats !== undefined && levels.has('1m')) {
        values.push(...valuesOf(streams, '1m', minuteStart, stats, nowMs));
      }
    }
    if (isDue(state, hourStart, HOUR_MS, definition.parameters.openBucketRefresh['1h'], nowMs)) {
      state.dirtyHours.delete(hourStart);
      markComputed(state, HOUR_MS, hourStart, nowMs);
      const stats = statsOf(numeric.map((row) => row.result as number));
      if (stats !== undefined && levels.has('1h')) {
        values.push(...valuesOf(streams, '1h', hourStart, stats, nowMs));
      }
    }

    return values;
  }

  /** Settles the pending readings of the hour; returns false while the store still lacks one. */
  private settle(definition: RollupJobDefinition, state: SeriesState, rows: StoredObservation[], hourStart: number, nowMs: number): boolean {
    const { ready, settled, expired } = settlePending(state, rows, hourStart, nowMs, definition.parameters.maxPendingWait);
    this.pendingCount -= settled + expired.length;
    for (const id of expired) {
      const message = `observation ${id} of datastream ${state.datastreamId} was not in the time-series store after ${definition.parameters.maxPendingWait} ms; its rollups were computed without it`;
      this.log.warn({ tenant: state.tenant, datastreamId: state.datastreamId, observationId: id }, 'reading left out of rollups');
      this.tracker.recordError(definition.name, state.tenant, new AppError(ErrorCode.UNAVAILABLE, message));
    }

    return ready;
  }

  /** Registers the rollup datastreams of the series' device; undefined when the datastream is no longer a source. */
  private async streamsOf(definition: RollupJobDefinition, state: SeriesState): Promise<Map<string, DerivedStream> | undefined> {
    const datastream = await this.directory.datastream(state.tenant, state.datastreamId);
    if (datastream === undefined || !(await this.isEligible(datastream))) {
      return undefined;
    }
    const plan = this.planOf(definition, await this.directory.sources(state.tenant), datastream);
    if (plan === undefined) {
      return undefined;
    }
    const streams = await this.registrar.ensure(plan);

    return new Map(streams.filter((stream) => stream.sourceDatastreamId === state.datastreamId).map((stream) => [stream.suffix, stream]));
  }

  /** Returns the plan of the rollup device of an eligible datastream's device, built once per registry snapshot. */
  private planOf(definition: RollupJobDefinition, sources: TenantSources, datastream: DatastreamDto): DerivedPlan | undefined {
    const plans = this.plans.get(sources) ?? new Map<string, DerivedPlan | undefined>();
    this.plans.set(sources, plans);
    if (!plans.has(datastream.deviceId)) {
      const device = sources.devices.get(datastream.deviceId)!;
      plans.set(datastream.deviceId, buildPerSourcePlan(datastream.tenant, rollupKind(definition), device, sources, (source) => this.filter!.accepts(source)));
    }

    return plans.get(datastream.deviceId);
  }

  private forget(state: SeriesState): void {
    this.pendingCount -= state.pending.size;
    this.series.delete(`${state.tenant}\u0000${state.datastreamId}`);
  }

  private oldestDirtyAge(tenant: string): number {
    const nowMs = this.clock.now();
    let oldest = nowMs;
    for (const state of this.series.values()) {
      if (state.tenant === tenant && state.dirtySinceMs !== undefined) {
        oldest = Math.min(oldest, state.dirtySinceMs);
      }
    }

    return nowMs - oldest;
  }

  /** Forgets idle series and the refresh times of buckets older than two days. */
  private prune(): void {
    const horizonMs = this.clock.now() - 2 * DAY_MS;
    for (const state of this.series.values()) {
      for (const [key, computed] of state.computedAt) {
        if (computed.startMs < horizonMs) {
          state.computedAt.delete(key);
        }
      }
      if (!isDirty(state) && state.pending.size === 0 && state.computedAt.size === 0) {
        this.series.delete(`${state.tenant}\u0000${state.datastreamId}`);
      }
    }
  }
}
