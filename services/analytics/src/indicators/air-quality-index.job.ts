import { Injectable } from '@nestjs/common';
import { derivedDeviceId } from '@stadtdaten/contracts';
import type { DatastreamDto } from '@stadtdaten/registry';
import { TimeSeriesStore } from '@stadtdaten/timeseries';
import type { AirQualityIndexJobDefinition, JobDefinition } from '../definition/analytics-file.schema';
import { InputFilter } from '../definition/job-inputs';
import { buildFixedPlan, combinedClassification, strictestProfile } from '../derived/derived-catalog';
import { DerivedRegistrar } from '../derived/derived-registrar.service';
import { type DerivedValue, DerivedWriter } from '../derived/derived-writer.service';
import { SourceDirectory } from '../derived/source-directory.service';
import { JobTracker } from '../jobs/job-tracker.service';
import type { JobRunner } from '../jobs/job-runner';
import { TimeSlice } from '../jobs/time-slice';
import { floorTo, isNumeric, shortestRetention } from './indicator-support';
import { AVERAGING_HOURS, POLLUTANTS, type Pollutant, type UbaScheme, airQualityIndex } from './uba-index';

const HOUR_MS = 3_600_000;

/** Share of the hours of a 24-hour mean that must hold readings. */
const MIN_DAILY_COVERAGE = 0.75;

const FIELDS = [
  { suffix: 'index', observedProperty: 'air_quality_index', unit: '1', type: 'integer' as const, nameSuffix: 'index', description: 'UBA air-quality index of the hour: 1 sehr gut, 2 gut, 3 mäßig, 4 schlecht, 5 sehr schlecht' },
  { suffix: 'dominant_pollutant', observedProperty: 'air_quality_index_pollutant', unit: '1', type: 'string' as const, nameSuffix: 'dominant pollutant', description: 'pollutant with the worst class (no2, pm10, pm2_5 or o3)' },
];

const PROPERTIES = [
  { id: 'air_quality_index', name: 'Luftqualitätsindex', definition: 'urn:stadtdaten:property:air_quality_index', description: 'Air-quality index of the Umweltbundesamt, 1 (sehr gut) to 5 (sehr schlecht).' },
  { id: 'air_quality_index_pollutant', name: 'Ausschlaggebender Schadstoff', definition: 'urn:stadtdaten:property:air_quality_index_pollutant' },
];

/**
 * The UBA air-quality index per station (thing) for each of the last recomputeHours complete
 * hours, from the station's NO2, PM10, PM2.5 and O3 datastreams in µg/m³.
 */
@Injectable()
export class AirQualityIndexJob implements JobRunner {
  readonly kind = 'air-quality-index' as const;

  constructor(
    private readonly store: TimeSeriesStore,
    private readonly directory: SourceDirectory,
    private readonly registrar: DerivedRegistrar,
    private readonly writer: DerivedWriter,
    private readonly tracker: JobTracker,
  ) {}

  async run(definition: JobDefinition, tenant: string, nowMs: number): Promise<Record<string, number>> {
    const job = definition as AirQualityIndexJobDefinition;
    const stations = await this.stations(job, tenant);
    let values = 0;
    const slice = new TimeSlice();
    for (const [thingId, pollutants] of stations) {
      try {
        values += await this.indexStation(job, tenant, thingId, pollutants, nowMs);
      } catch (error) {
        this.tracker.recordError(job.name, tenant, error);
      }
      await slice.yieldIfDue();
    }

    return { stations: stations.size, values };
  }

  /** Pollutant datastreams in µg/m³ per thing; of several for one pollutant, the first by id. */
  private async stations(job: AirQualityIndexJobDefinition, tenant: string): Promise<Map<string, Map<Pollutant, DatastreamDto>>> {
    const filter = new InputFilter(job.inputs);
    const byProperty = new Map(POLLUTANTS.map((pollutant) => [job.parameters.pollutants[pollutant], pollutant]));
    const stations = new Map<string, Map<Pollutant, DatastreamDto>>();
    const datastreams = (await this.directory.sourceDatastreams(tenant)).sort((a, b) => a.id.localeCompare(b.id));
    for (const datastream of datastreams) {
      const pollutant = byProperty.get(datastream.observedProperty.id);
      const usable = pollutant !== undefined && isNumeric(datastream) && datastream.unit.code === 'ug/m3' && datastream.classification !== 'personal';
      if (!usable || !filter.accepts(datastream)) {
        continue;
      }
      const station = stations.get(datastream.thingId) ?? new Map<Pollutant, DatastreamDto>();
      if (!station.has(pollutant)) {
        station.set(pollutant, datastream);
      }
      stations.set(datastream.thingId, station);
    }

    return stations;
  }

  private async indexStation(job: AirQualityIndexJobDefinition, tenant: string, thingId: string, pollutants: Map<Pollutant, DatastreamDto>, nowMs: number): Promise<number> {
    const sources = [...pollutants.values()];
    const plan = buildFixedPlan({
      tenant,
      kind: 'air-quality-index',
      typeName: 'UBA air-quality index',
      fields: FIELDS,
      observedProperties: PROPERTIES,
      deviceId: derivedDeviceId('aqi', thingId),
      deviceName: `Luftqualitätsindex ${(await this.directory.sources(tenant)).things.get(thingId)?.name ?? thingId}`,
      thing: thingId,
      classification: combinedClassification(sources.map((source) => source.classification)),
      storageProfile: strictestProfile(sources.map((source) => source.storageProfile)),
      retentionDays: shortestRetention(sources),
    });
    const streams = new Map((await this.registrar.ensure(plan)).map((stream) => [stream.suffix, stream]));
    const scheme = job.parameters.scheme as UbaScheme;
    const values: DerivedValue[] = [];
    const lastHourEnd = floorTo(nowMs, HOUR_MS);
    for (let back = 0; back < job.parameters.recomputeHours; back += 1) {
      const hourEnd = lastHourEnd - back * HOUR_MS;
      const concentrations: Partial<Record<Pollutant, number>> = {};
      for (const [pollutant, datastream] of pollutants) {
        const mean = await this.meanBefore(tenant, datastream.id, hourEnd, AVERAGING_HOURS[scheme][pollutant]);
        if (mean !== undefined) {
          concentrations[pollutant] = mean;
        }
      }
      const index = airQualityIndex(scheme, concentrations);
      if (index === undefined) {
        continue;
      }
      const flags = Object.keys(concentrations).length < POLLUTANTS.length ? ['incomplete'] : [];
      const phenomenonTimeMs = hourEnd - HOUR_MS;
      values.push({ stream: streams.get('index')!, phenomenonTimeMs, result: index.index, qualityFlags: flags });
      values.push({ stream: streams.get('dominant_pollutant')!, phenomenonTimeMs, result: index.pollutant, qualityFlags: flags });
    }
    await this.writer.write(values);

    return values.length;
  }

  /** Mean over the `hours` hours before `endMs`; a 24-hour mean needs readings in 75 % of its hours. */
  private async meanBefore(tenant: string, datastreamId: string, endMs: number, hours: number): Promise<number | undefined> {
    const range = { tenant, datastreamId, fromMs: endMs - hours * HOUR_MS, toMs: endMs, intervalMs: HOUR_MS };
    const [sums, counts] = await Promise.all([this.store.aggregate({ ...range, aggregate: 'sum' }), this.store.aggregate({ ...range, aggregate: 'count' })]);
    const hoursWithData = counts.filter((point) => (point.value ?? 0) > 0).length;
    if (hoursWithData === 0 || (hours > 1 && hoursWithData < MIN_DAILY_COVERAGE * hours)) {
      return undefined;
    }
    const sum = sums.reduce((total, point) => total + (point.value ?? 0), 0);
    const count = counts.reduce((total, point) => total + (point.value ?? 0), 0);

    return sum / count;
  }
}
