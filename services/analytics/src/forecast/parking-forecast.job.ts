import { Injectable } from '@nestjs/common';
import type { DatastreamDto } from '@stadtdaten/registry';
import { TimeSeriesStore } from '@stadtdaten/timeseries';
import type { JobDefinition, ParkingForecastJobDefinition } from '../definition/analytics-file.schema';
import { InputFilter } from '../definition/job-inputs';
import { type DerivedStream, buildPerSourcePlan } from '../derived/derived-catalog';
import { DerivedRegistrar } from '../derived/derived-registrar.service';
import { type DerivedValue, DerivedWriter } from '../derived/derived-writer.service';
import { SourceDirectory, type TenantSources } from '../derived/source-directory.service';
import { JobTracker } from '../jobs/job-tracker.service';
import type { JobRunner } from '../jobs/job-runner';
import { TimeSlice } from '../jobs/time-slice';
import { capacityOf } from './facility-capacity';
import { type FittedHorizon, fitHorizon, forecastAt } from './parking-forecast.model';
import { horizonLabel, parkingForecastKind } from './parking-forecast.kind';
import { ParkingSeries, horizonSlots } from './parking-series';
import { SLOTS_PER_DAY, SLOT_MS, SlotCalendar } from './slot-calendar';
import { bucketLastReadings, toGrid } from './time-grid';

const DAY_MS = 86_400_000;

interface FittedFacility {
  fittedAtMs: number;
  horizons: FittedHorizon[];
}

/**
 * Forecasts the free spaces of each parking facility for every configured horizon, with a
 * prediction interval, on the 15-minute grid. Weights are fitted per facility and horizon every
 * refitEvery on the history in the store (see docs/analytics.md for the method).
 */
@Injectable()
export class ParkingForecastJob implements JobRunner {
  readonly kind = 'parking-forecast' as const;
  private readonly fitted = new Map<string, FittedFacility>();

  constructor(
    private readonly store: TimeSeriesStore,
    private readonly directory: SourceDirectory,
    private readonly registrar: DerivedRegistrar,
    private readonly writer: DerivedWriter,
    private readonly tracker: JobTracker,
  ) {}

  async run(definition: JobDefinition, tenant: string, nowMs: number): Promise<Record<string, number>> {
    const job = definition as ParkingForecastJobDefinition;
    const filter = new InputFilter(job.inputs);
    const sources = await this.directory.sources(tenant);
    const facilities = (await this.directory.sourceDatastreams(tenant)).filter((datastream) => isFacility(datastream, filter));
    // The origin is the next slot boundary, whose grid value is the newest reading known now.
    const originMs = Math.ceil(nowMs / SLOT_MS) * SLOT_MS;
    const counts = { facilities: facilities.length, forecasts: 0, fallbacks: 0 };
    const calendars = new Map<number, SlotCalendar>();

    const current = new Set(facilities.map((facility) => `${job.name}\u0000${tenant}\u0000${facility.id}`));
    for (const key of this.fitted.keys()) {
      if (key.startsWith(`${job.name}\u0000${tenant}\u0000`) && !current.has(key)) {
        this.fitted.delete(key);
      }
    }

    const slice = new TimeSlice();
    for (const facility of facilities) {
      try {
        const values = await this.forecastFacility(job, sources, facility, originMs, nowMs, filter, calendars);
        const points = values.filter((value) => !/_(lower|upper)$/.test(value.stream.suffix));
        counts.forecasts += points.length;
        counts.fallbacks += points.filter((value) => value.qualityFlags?.includes('fallback') === true).length;
        await this.writer.write(values);
      } catch (error) {
        this.tracker.recordError(job.name, tenant, error);
      }
      await slice.yieldIfDue();
    }

    return counts;
  }

  private async forecastFacility(
    job: ParkingForecastJobDefinition,
    sources: TenantSources,
    facility: DatastreamDto,
    originMs: number,
    nowMs: number,
    filter: InputFilter,
    calendars: Map<number, SlotCalendar>,
  ): Promise<DerivedValue[]> {
    const { parameters } = job;
    const key = `${job.name}\u0000${facility.tenant}\u0000${facility.id}`;
    const known = this.fitted.get(key);
    const refit = known === undefined || nowMs - known.fittedAtMs >= parameters.refitEvery;
    const lookbackDays = (refit ? parameters.trainingDays : 0) + parameters.profileWeeks * 7 + 16;
    const horizons = parameters.horizons.map(horizonSlots);
    const slots = lookbackDays * SLOTS_PER_DAY + Math.max(...horizons) + 1;
    const startMs = originMs - lookbackDays * DAY_MS;
    const origin = lookbackDays * SLOTS_PER_DAY;

    let calendar = calendars.get(slots);
    if (calendar === undefined) {
      calendar = new SlotCalendar(startMs, slots, parameters.timeZone, parameters.holidays);
      calendars.set(slots, calendar);
    }
    const points = await this.store.aggregate({
      tenant: facility.tenant,
      datastreamId: facility.id,
      fromMs: startMs - parameters.maxFill,
      toMs: originMs,
      aggregate: 'last',
      intervalMs: SLOT_MS,
    });
    const grid = toGrid(bucketLastReadings(points, SLOT_MS), startMs, slots, SLOT_MS, parameters.maxFill);
    const series = new ParkingSeries(grid, calendar, parameters.profileWeeks);
    if (Number.isNaN(series.value(origin))) {
      return [];
    }

    const options = { ...parameters, coverage: parameters.intervalCoverage };
    const fitted = refit ? horizons.map((horizon) => fitHorizon(series, horizon, origin, options)) : known!.horizons;
    if (refit) {
      this.fitted.set(key, { fittedAtMs: nowMs, horizons: fitted });
    }
    const capacity = await capacityOf(this.store, sources, facility, parameters.capacityProperty, grid);
    const streams = await this.streamsOf(job, sources, facility, filter);

    return fitted.flatMap((horizon, index) => {
      const forecast = forecastAt(series, horizon, origin, capacity);
      const label = horizonLabel(parameters.horizons[index]);
      const phenomenonTimeMs = originMs + parameters.horizons[index];
      const flags = forecast?.fallback ? ['fallback'] : [];
      const parts: [string, number | undefined][] = [
        [`forecast_${label}`, forecast?.value],
        [`forecast_${label}_lower`, forecast?.lower],
        [`forecast_${label}_upper`, forecast?.upper],
      ];

      return parts
        .filter(([suffix, value]) => value !== undefined && streams.has(suffix))
        .map(([suffix, value]) => ({ stream: streams.get(suffix)!, phenomenonTimeMs, resultTimeMs: nowMs, result: Math.round(value! * 10) / 10, qualityFlags: flags }));
    });
  }

  private async streamsOf(job: ParkingForecastJobDefinition, sources: TenantSources, facility: DatastreamDto, filter: InputFilter): Promise<Map<string, DerivedStream>> {
    const device = sources.devices.get(facility.deviceId)!;
    const plan = buildPerSourcePlan(facility.tenant, parkingForecastKind(job), device, sources, (source) => isFacility(source, filter));
    const streams = plan === undefined ? [] : await this.registrar.ensure(plan);

    return new Map(streams.filter((stream) => stream.sourceDatastreamId === facility.id).map((stream) => [stream.suffix, stream]));
  }
}

function isFacility(datastream: DatastreamDto, filter: InputFilter): boolean {
  const numeric = datastream.valueSchema.type === 'number' || datastream.valueSchema.type === 'integer';

  return numeric && datastream.classification !== 'personal' && filter.accepts(datastream);
}
