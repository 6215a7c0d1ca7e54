import { Injectable } from '@nestjs/common';
import { derivedDeviceId } from '@stadtdaten/contracts';
import { TimeSeriesStore } from '@stadtdaten/timeseries';
import type { JobDefinition, ParkingOccupancyJobDefinition } from '../definition/analytics-file.schema';
import { InputFilter } from '../definition/job-inputs';
import { buildFixedPlan, combinedClassification, strictestProfile } from '../derived/derived-catalog';
import { DerivedRegistrar } from '../derived/derived-registrar.service';
import { DerivedWriter } from '../derived/derived-writer.service';
import { SourceDirectory } from '../derived/source-directory.service';
import type { JobRunner } from '../jobs/job-runner';
import { capacityOf } from '../forecast/facility-capacity';
import { centroid, floorTo, isNumeric, shortestRetention } from './indicator-support';
import { type FacilityState, cityOccupancy } from './occupancy';

const FIELDS = [
  { suffix: 'occupancy_rate', observedProperty: 'parking_occupancy_rate', unit: '%', type: 'number' as const, nameSuffix: 'occupancy rate', description: 'occupied share of the spaces of all facilities: 100 × (1 − free / capacity)' },
  { suffix: 'free_spaces', observedProperty: 'free_parking_spaces_total', unit: '{spaces}', type: 'integer' as const, nameSuffix: 'free spaces', description: 'free spaces of all facilities that reported within maxAge' },
  { suffix: 'capacity', observedProperty: 'parking_capacity_total', unit: '{spaces}', type: 'integer' as const, nameSuffix: 'capacity', description: 'spaces of the facilities counted' },
  { suffix: 'facilities', observedProperty: 'facility_count', unit: '{count}', type: 'integer' as const, nameSuffix: 'facilities', description: 'facilities counted' },
];

const PROPERTIES = [
  { id: 'parking_occupancy_rate', name: 'Auslastung der Parkeinrichtungen', definition: 'urn:stadtdaten:property:parking_occupancy_rate' },
  { id: 'free_parking_spaces_total', name: 'Freie Stellplätze gesamt', definition: 'urn:stadtdaten:property:free_parking_spaces_total' },
  { id: 'parking_capacity_total', name: 'Stellplätze gesamt', definition: 'urn:stadtdaten:property:parking_capacity_total' },
  { id: 'facility_count', name: 'Anzahl Einrichtungen', definition: 'urn:stadtdaten:property:facility_count' },
];

/** Occupancy of all parking facilities of a tenant together, from each facility's latest free count. */
@Injectable()
export class ParkingOccupancyJob implements JobRunner {
  readonly kind = 'parking-occupancy' as const;

  constructor(
    private readonly store: TimeSeriesStore,
    private readonly directory: SourceDirectory,
    private readonly registrar: DerivedRegistrar,
    private readonly writer: DerivedWriter,
  ) {}

  async run(definition: JobDefinition, tenant: string, nowMs: number): Promise<Record<string, number>> {
    const job = definition as ParkingOccupancyJobDefinition;
    const filter = new InputFilter(job.inputs);
    const sources = await this.directory.sources(tenant);
    const facilities = (await this.directory.sourceDatastreams(tenant)).filter(
      (datastream) => isNumeric(datastream) && datastream.classification !== 'personal' && filter.accepts(datastream),
    );
    if (facilities.length === 0) {
      return { facilities: 0 };
    }

    const latest = await this.store.latest(tenant, facilities.map((facility) => facility.id));
    const counted: FacilityState[] = [];
    const used = [];
    for (const facility of facilities) {
      const observation = latest.get(facility.id);
      if (typeof observation?.result !== 'number' || nowMs - observation.phenomenonTimeMs > job.parameters.maxAge) {
        continue;
      }
      const capacity = await capacityOf(this.store, sources, facility, job.parameters.capacityProperty, Float64Array.of(observation.result));
      counted.push({ free: observation.result, capacity });
      used.push(facility);
    }
    const occupancy = cityOccupancy(counted);
    const location = centroid(facilities.map((facility) => sources.things.get(facility.thingId)).filter((thing) => thing !== undefined));
    if (occupancy === undefined || location === undefined) {
      return { facilities: 0 };
    }

    const thingId = derivedDeviceId('analytics', job.name);
    const plan = buildFixedPlan({
      tenant,
      kind: 'parking-occupancy',
      typeName: 'Occupancy of all parking facilities',
      fields: FIELDS,
      observedProperties: PROPERTIES,
      deviceId: thingId,
      deviceName: 'Auslastung aller Parkeinrichtungen',
      thing: {
        tenant,
        id: thingId,
        name: 'Alle Parkeinrichtungen',
        description: 'Occupancy of all parking facilities of the tenant, computed by the analytics service; the point is the mean position of the facilities.',
        useCase: 'parking',
        location: { type: 'Point', coordinates: location },
        properties: { derived: true },
      },
      classification: combinedClassification(facilities.map((facility) => facility.classification)),
      storageProfile: strictestProfile(facilities.map((facility) => facility.storageProfile)),
      retentionDays: shortestRetention(facilities),
    });
    const streams = new Map((await this.registrar.ensure(plan)).map((stream) => [stream.suffix, stream]));
    const phenomenonTimeMs = floorTo(nowMs, 'every' in job.trigger ? job.trigger.every : 60_000);
    const results: Record<string, number> = {
      occupancy_rate: Math.round(occupancy.rate * 10) / 10,
      free_spaces: Math.round(occupancy.free),
      capacity: Math.round(occupancy.capacity),
      facilities: used.length,
    };
    await this.writer.write(Object.entries(results).map(([suffix, result]) => ({ stream: streams.get(suffix)!, phenomenonTimeMs, result })));

    return { facilities: used.length };
  }
}
