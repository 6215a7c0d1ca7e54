import { Injectable } from '@nestjs/common';
import type { DatastreamDto } from '@stadtdaten/registry';
import { TimeSeriesStore } from '@stadtdaten/timeseries';
import type { FillForecastJobDefinition, JobDefinition } from '../definition/analytics-file.schema';
import { InputFilter } from '../definition/job-inputs';
import { type DerivedPlan, type DerivedStream, type PerSourceKind, buildPerSourcePlan } from '../derived/derived-catalog';
import { DerivedRegistrar } from '../derived/derived-registrar.service';
import { type DerivedValue, DerivedWriter } from '../derived/derived-writer.service';
import { SourceDirectory } from '../derived/source-directory.service';
import { JobTracker } from '../jobs/job-tracker.service';
import type { JobRunner } from '../jobs/job-runner';
import { TimeSlice } from '../jobs/time-slice';
import { forecastFillLevel } from './fill-level';
import { floorTo, isNumeric } from './indicator-support';

const HOUR_MS = 3_600_000;
/** Values per append to the derived topic: one event-log transaction serves many containers. */
const MAX_VALUES_PER_WRITE = 2000;

function fillForecastKind(job: FillForecastJobDefinition): PerSourceKind {
  const properties = new Set(job.inputs.observedProperties ?? []);
  const threshold = job.parameters.thresholdPercent;
  const property = { id: 'fill_level_threshold_eta', name: 'Voraussichtliches Erreichen des Füllstands', definition: 'urn:stadtdaten:property:fill_level_threshold_eta' };

  return {
    kind: 'fill-level-forecast',
    devicePrefix: 'fill',
    label: 'Fill-level forecast',
    appliesTo: (field) => properties.has(field.observedProperty.id) && field.unit === '%' && (field.valueType === 'number' || field.valueType === 'integer'),
    fields: () => [
      { suffix: 'hours_to_threshold', observedProperty: property.id, unit: 'h', type: 'number', nameSuffix: `hours to ${threshold} %`, description: `hours from the phenomenon time until the fill level reaches ${threshold} % (0 when it has)` },
      { suffix: 'threshold_reached_at', observedProperty: property.id, unit: '1', type: 'string', nameSuffix: `time of ${threshold} %`, description: `time (ISO 8601, UTC) at which the fill level reaches or reached ${threshold} %` },
    ],
    observedProperties: () => [property],
    retentionDays: (source) => source.retentionDays,
  };
}

/** When each container (fill level in %) reaches the threshold, from the trend since its last emptying. */
@Injectable()
export class FillForecastJob implements JobRunner {
  readonly kind = 'fill-level-forecast' as const;

  constructor(
    private readonly store: TimeSeriesStore,
    private readonly directory: SourceDirectory,
    private readonly registrar: DerivedRegistrar,
    private readonly writer: DerivedWriter,
    private readonly tracker: JobTracker,
  ) {}

  async run(definition: JobDefinition, tenant: string, nowMs: number): Promise<Record<string, number>> {
    const job = definition as FillForecastJobDefinition;
    const filter = new InputFilter(job.inputs);
    const kind = fillForecastKind(job);
    const sources = await this.directory.sources(tenant);
    const eligible = (datastream: DatastreamDto) => isNumeric(datastream) && datastream.unit.code === '%' && datastream.classification !== 'personal' && filter.accepts(datastream);
    const containers = (await this.directory.sourceDatastreams(tenant)).filter(eligible);

    const forecasts: ContainerForecast[] = [];
    const slice = new TimeSlice();
    for (const container of containers) {
      try {
        const forecast = await this.forecastContainer(job, container, nowMs);
        if (forecast !== undefined) {
          forecasts.push({ container, reachesAtMs: forecast.reachesAtMs, plan: buildPerSourcePlan(container.tenant, kind, sources.devices.get(container.deviceId)!, sources, eligible) });
        }
      } catch (error) {
        this.tracker.recordError(job.name, tenant, error);
      }
      await slice.yieldIfDue();
    }
    await this.registrar.registerAll(forecasts.flatMap(({ plan }) => (plan === undefined ? [] : [plan])));

    return { containers: containers.length, forecasts: await this.writeForecasts(job, tenant, forecasts, nowMs) };
  }

  private async forecastContainer(job: FillForecastJobDefinition, container: DatastreamDto, nowMs: number) {
    const rows = await this.store.query({ tenant: container.tenant, datastreamId: container.id, fromMs: nowMs - job.parameters.lookback, toMs: nowMs + 1 });
    const readings = rows.filter((row) => typeof row.result === 'number').map((row) => ({ timeMs: row.phenomenonTimeMs, value: row.result as number }));
    const { thresholdPercent, emptyingDropPercent, minReadings } = job.parameters;

    return forecastFillLevel(readings, thresholdPercent, emptyingDropPercent, minReadings);
  }

  /**
   * Writes the forecasts in batches and returns the number of containers with a written value.
   * A failed registration counts as one error per container, and a failed write as one per batch.
   */
  private async writeForecasts(job: FillForecastJobDefinition, tenant: string, forecasts: ContainerForecast[], nowMs: number): Promise<number> {
    const phenomenonTimeMs = floorTo(nowMs, 'every' in job.trigger ? job.trigger.every : HOUR_MS);
    let written = 0;
    let batch = { values: [] as DerivedValue[], containers: 0 };
    const writeBatch = async () => {
      const { values, containers } = batch;
      batch = { values: [], containers: 0 };
      if (values.length === 0) {
        return;
      }
      try {
        await this.writer.write(values);
        written += containers;
      } catch (error) {
        this.tracker.recordError(job.name, tenant, error);
      }
    };

    const slice = new TimeSlice();
    for (const { container, reachesAtMs, plan } of forecasts) {
      try {
        const streams = new Map((plan === undefined ? [] : await this.registrar.ensure(plan)).filter((stream) => stream.sourceDatastreamId === container.id).map((stream) => [stream.suffix, stream]));
        const values = forecastValues(streams, reachesAtMs, phenomenonTimeMs);
        batch.values.push(...values);
        batch.containers += values.length > 0 ? 1 : 0;
      } catch (error) {
        this.tracker.recordError(job.name, tenant, error);
      }
      if (batch.values.length >= MAX_VALUES_PER_WRITE) {
        await writeBatch();
      }
      await slice.yieldIfDue();
    }
    await writeBatch();

    return written;
  }
}

/** A container whose fill level rises, with the plan of its derived device. */
interface ContainerForecast {
  container: DatastreamDto;
  reachesAtMs: number;
  plan: DerivedPlan | undefined;
}

function forecastValues(streams: Map<string, DerivedStream>, reachesAtMs: number, phenomenonTimeMs: number): DerivedValue[] {
  const hours = Math.max(0, (reachesAtMs - phenomenonTimeMs) / HOUR_MS);
  const values = [
    { suffix: 'hours_to_threshold', result: Math.round(hours * 10) / 10 },
    { suffix: 'threshold_reached_at', result: new Date(Math.round(reachesAtMs / 1000) * 1000).toISOString() },
  ];

  return values.filter((value) => streams.has(value.suffix)).map((value) => ({ stream: streams.get(value.suffix)!, phenomenonTimeMs, result: value.result }));
}
