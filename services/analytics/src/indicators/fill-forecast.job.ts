import { Injectable } from '@nestjs/common';
import type { DatastreamDto } from '@stadtdaten/registry';
import { TimeSeriesStore } from '@stadtdaten/timeseries';
import type { FillForecastJobDefinition, JobDefinition } from '../definition/analytics-file.schema';
import { InputFilter } from '../definition/job-inputs';
import { type PerSourceKind, buildPerSourcePlan } from '../derived/derived-catalog';
import { DerivedRegistrar } from '../derived/derived-registrar.service';
import { DerivedWriter } from '../derived/derived-writer.service';
import { SourceDirectory, type TenantSources } from '../derived/source-directory.service';
import { JobTracker } from '../jobs/job-tracker.service';
import type { JobRunner } from '../jobs/job-runner';
import { forecastFillLevel } from './fill-level';
import { floorTo, isNumeric } from './indicator-support';

const HOUR_MS = 3_600_000;

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
    let forecasts = 0;
    for (const container of containers) {
      try {
        forecasts += await this.forecastContainer(job, kind, sources, container, eligible, nowMs);
      } catch (error) {
        this.tracker.recordError(job.name, tenant, error);
      }
    }

    return { containers: containers.length, forecasts };
  }

  private async forecastContainer(
    job: FillForecastJobDefinition,
    kind: PerSourceKind,
    sources: TenantSources,
    container: DatastreamDto,
    eligible: (datastream: DatastreamDto) => boolean,
    nowMs: number,
  ): Promise<number> {
    const rows = await this.store.query({ tenant: container.tenant, datastreamId: container.id, fromMs: nowMs - job.parameters.lookback, toMs: nowMs + 1 });
    const readings = rows.filter((row) => typeof row.result === 'number').map((row) => ({ timeMs: row.phenomenonTimeMs, value: row.result as number }));
    const { thresholdPercent, emptyingDropPercent, minReadings } = job.parameters;
    const forecast = forecastFillLevel(readings, thresholdPercent, emptyingDropPercent, minReadings);
    if (forecast === undefined) {
      return 0;
    }

    const plan = buildPerSourcePlan(container.tenant, kind, sources.devices.get(container.deviceId)!, sources, eligible);
    const streams = new Map((plan === undefined ? [] : await this.registrar.ensure(plan)).filter((stream) => stream.sourceDatastreamId === container.id).map((stream) => [stream.suffix, stream]));
    const phenomenonTimeMs = floorTo(nowMs, 'every' in job.trigger ? job.trigger.every : HOUR_MS);
    const hours = Math.max(0, (forecast.reachesAtMs - phenomenonTimeMs) / HOUR_MS);
    const values = [
      { suffix: 'hours_to_threshold', result: Math.round(hours * 10) / 10 },
      { suffix: 'threshold_reached_at', result: new Date(Math.round(forecast.reachesAtMs / 1000) * 1000).toISOString() },
    ]
      .filter((value) => streams.has(value.suffix))
      .map((value) => ({ stream: streams.get(value.suffix)!, phenomenonTimeMs, result: value.result }));
    await this.writer.write(values);

    return values.length > 0 ? 1 : 0;
  }
}
