import { Injectable } from '@nestjs/common';
import type { DatastreamDto } from '@stadtdaten/registry';
import { TimeSeriesStore } from '@stadtdaten/timeseries';
import { DateTime } from 'luxon';
import type { BikeCountJobDefinition, JobDefinition } from '../definition/analytics-file.schema';
import { InputFilter } from '../definition/job-inputs';
import { type PerSourceKind, buildPerSourcePlan } from '../derived/derived-catalog';
import { DerivedRegistrar } from '../derived/derived-registrar.service';
import { type DerivedValue, DerivedWriter } from '../derived/derived-writer.service';
import { SourceDirectory, type TenantSources } from '../derived/source-directory.service';
import { JobTracker } from '../jobs/job-tracker.service';
import type { JobRunner } from '../jobs/job-runner';
import { TimeSlice } from '../jobs/time-slice';
import { isNumeric } from './indicator-support';

const HOUR_MS = 3_600_000;

/** 52 weeks: the same weekday a year earlier. */
const YEAR_BEFORE_DAYS = 364;

interface DayTotal {
  total: number;
  complete: boolean;
}

function bikeCountKind(job: BikeCountJobDefinition): PerSourceKind {
  const properties = new Set(job.inputs.observedProperties ?? []);
  const daily = { id: 'daily_bicycle_count', name: 'Radverkehr pro Tag', definition: 'urn:stadtdaten:property:daily_bicycle_count' };
  const change = { id: 'daily_bicycle_count_change', name: 'Veränderung zum Vorjahr', definition: 'urn:stadtdaten:property:daily_bicycle_count_change' };

  return {
    kind: 'bike-count-comparison',
    devicePrefix: 'bikes',
    label: 'Daily bicycle counts',
    appliesTo: (field) => properties.has(field.observedProperty.id) && (field.valueType === 'number' || field.valueType === 'integer'),
    fields: () => [
      { suffix: 'daily_total', observedProperty: daily.id, unit: '{bicycles}', type: 'integer', nameSuffix: 'per day', description: 'bicycles counted on the local day that starts at the phenomenon time' },
      { suffix: 'daily_total_year_before', observedProperty: daily.id, unit: '{bicycles}', type: 'integer', nameSuffix: 'per day a year before', description: `bicycles counted ${YEAR_BEFORE_DAYS} days earlier, on the same weekday` },
      { suffix: 'change_vs_year_before', observedProperty: change.id, unit: '%', type: 'number', nameSuffix: 'change vs. year before', description: '100 × (daily total / daily total a year before − 1)' },
    ],
    observedProperties: () => [daily, change],
    retentionDays: (source) => source.retentionDays,
  };
}

/** Bicycles per local day per counter, compared with the same weekday 52 weeks earlier. */
@Injectable()
export class BikeCountJob implements JobRunner {
  readonly kind = 'bike-count-comparison' as const;

  constructor(
    private readonly store: TimeSeriesStore,
    private readonly directory: SourceDirectory,
    private readonly registrar: DerivedRegistrar,
    private readonly writer: DerivedWriter,
    private readonly tracker: JobTracker,
  ) {}

  async run(definition: JobDefinition, tenant: string, nowMs: number): Promise<Record<string, number>> {
    const job = definition as BikeCountJobDefinition;
    const filter = new InputFilter(job.inputs);
    const kind = bikeCountKind(job);
    const sources = await this.directory.sources(tenant);
    const eligible = (datastream: DatastreamDto) => isNumeric(datastream) && datastream.classification !== 'personal' && filter.accepts(datastream);
    const counters = (await this.directory.sourceDatastreams(tenant)).filter(eligible);
    let days = 0;
    const slice = new TimeSlice();
    for (const counter of counters) {
      try {
        days += await this.countCounter(job, kind, sources, counter, eligible, nowMs);
      } catch (error) {
        this.tracker.recordError(job.name, tenant, error);
      }
      await slice.yieldIfDue();
    }

    return { counters: counters.length, days };
  }

  private async countCounter(
    job: BikeCountJobDefinition,
    kind: PerSourceKind,
    sources: TenantSources,
    counter: DatastreamDto,
    eligible: (datastream: DatastreamDto) => boolean,
    nowMs: number,
  ): Promise<number> {
    const plan = buildPerSourcePlan(counter.tenant, kind, sources.devices.get(counter.deviceId)!, sources, eligible);
    const streams = new Map((plan === undefined ? [] : await this.registrar.ensure(plan)).filter((stream) => stream.sourceDatastreamId === counter.id).map((stream) => [stream.suffix, stream]));
    const today = DateTime.fromMillis(nowMs, { zone: job.parameters.timeZone }).startOf('day');
    const values: DerivedValue[] = [];
    let days = 0;
    for (let back = 1; back <= job.parameters.recomputeDays; back += 1) {
      const day = today.minus({ days: back });
      const current = await this.dayTotal(job, counter, day);
      if (current === undefined) {
        continue;
      }
      days += 1;
      const phenomenonTimeMs = day.toMillis();
      const add = (suffix: string, result: number, complete: boolean) => {
        const stream = streams.get(suffix);
        if (stream !== undefined) {
          values.push({ stream, phenomenonTimeMs, result, qualityFlags: complete ? [] : ['incomplete'] });
        }
      };
      add('daily_total', current.total, current.complete);
      const before = await this.dayTotal(job, counter, day.minus({ days: YEAR_BEFORE_DAYS }));
      if (before === undefined) {
        continue;
      }
      add('daily_total_year_before', before.total, before.complete);
      if (before.total > 0) {
        add('change_vs_year_before', Math.round(1000 * (current.total / before.total - 1)) / 10, current.complete && before.complete);
      }
    }
    await this.writer.write(values);

    return days;
  }

  /**
   * Sums one local day from hourly sums; undefined without readings. The day is complete when it
   * contains minCoverage of the expected readings.
   */
  private async dayTotal(job: BikeCountJobDefinition, counter: DatastreamDto, day: DateTime): Promise<DayTotal | undefined> {
    const fromMs = day.toMillis();
    const toMs = day.plus({ days: 1 }).toMillis();
    const range = { tenant: counter.tenant, datastreamId: counter.id, fromMs, toMs, intervalMs: HOUR_MS };
    const [sums, counts] = await Promise.all([this.store.aggregate({ ...range, aggregate: 'sum' }), this.store.aggregate({ ...range, aggregate: 'count' })]);
    const readings = counts.reduce((total, point) => total + (point.value ?? 0), 0);
    if (readings === 0) {
      return undefined;
    }
    const expected = (job.parameters.expectedReadingsPerDay * (toMs - fromMs)) / (24 * HOUR_MS);

    return { total: Math.round(sums.reduce((total, point) => total + (point.value ?? 0), 0)), complete: readings >= job.parameters.minCoverage * expected };
  }
}
