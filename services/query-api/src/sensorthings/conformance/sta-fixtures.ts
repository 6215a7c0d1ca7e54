import { type StoredObservation, observationId } from '@stadtdaten/contracts';
import type { StaTestApp } from './sta-test-app';

/**
 * Two tenants: darmstadt with a public, an internal and a personal datastream at two things,
 * and heag with one internal datastream. Every datastream id is `<device>.<field>`.
 */
export const CATALOG = {
  tenants: [
    { id: 'darmstadt', name: 'Wissenschaftsstadt Darmstadt' },
    { id: 'heag', name: 'HEAG' },
  ],
  observedProperties: [
    {
      id: 'air_temperature',
      name: 'Air temperature',
      definition: 'http://vocabs.lter-europe.net/EnvThes/22035',
    },
    {
      id: 'free_spaces',
      name: 'Free parking spaces',
      definition: 'https://stadtdaten.example/def/free_spaces',
    },
    { id: 'occupancy', name: 'Occupancy', definition: 'https://stadtdaten.example/def/occupancy' },
  ],
  deviceTypes: [
    {
      id: 'thermo',
      tenant: 'darmstadt',
      name: 'Thermometer',
      payloadFormat: 'json',
      fields: [
        {
          field: 'temperature',
          observedProperty: 'air_temperature',
          unit: 'Cel',
          type: 'number',
          min: -40,
          max: 60,
        },
      ],
    },
    {
      id: 'garage',
      tenant: 'darmstadt',
      name: 'Garage counter',
      payloadFormat: 'json',
      fields: [
        {
          field: 'spaces',
          observedProperty: 'free_spaces',
          unit: '{spaces}',
          type: 'integer',
          min: 0,
          max: 500,
        },
        { field: 'badge', observedProperty: 'occupancy', unit: '{count}', type: 'string' },
      ],
    },
    {
      id: 'tram',
      tenant: 'heag',
      name: 'Tram sensor',
      payloadFormat: 'json',
      fields: [{ field: 'temperature', observedProperty: 'air_temperature', unit: 'Cel', type: 'number' }],
    },
  ],
  things: [
    {
      tenant: 'darmstadt',
      id: 'luisenplatz',
      name: 'Luisenplatz',
      useCase: 'weather',
      location: { type: 'Point', coordinates: [8.6512, 49.8728] },
      properties: { district: 'Mitte' },
    },
    {
      tenant: 'darmstadt',
      id: 'garage-mitte',
      name: 'Parkhaus Mitte',
      useCase: 'parking',
      location: {
        type: 'Polygon',
        coordinates: [
          [
            [8.65, 49.87],
            [8.66, 49.87],
            [8.66, 49.88],
            [8.65, 49.88],
            [8.65, 49.87],
          ],
        ],
      },
    },
    {
      tenant: 'heag',
      id: 'depot',
      name: 'HEAG depot',
      useCase: 'other',
      location: { type: 'Point', coordinates: [8.63, 49.86] },
    },
  ],
  devices: [
    { tenant: 'darmstadt', id: 'thermo-1', type: 'thermo', thing: 'luisenplatz', classification: 'public' },
    {
      tenant: 'darmstadt',
      id: 'garage-1',
      type: 'garage',
      thing: 'garage-mitte',
      classification: 'internal',
      datastreams: { badge: { classification: 'personal' } },
    },
    { tenant: 'heag', id: 'tram-7', type: 'tram', thing: 'depot', classification: 'internal' },
  ],
};

/** Start of the seeded observations: 2026-03-01T00:00:00Z. */
export const SEED_START_MS = Date.UTC(2026, 2, 1);
export const MINUTE_MS = 60_000;

/** Builds stored observations of one datastream, one per minute from `startMs`. */
export function makeObservations(
  tenant: string,
  datastreamId: string,
  results: unknown[],
  startMs = SEED_START_MS,
): StoredObservation[] {
  return results.map((result, index) => {
    const timeMs = startMs + index * MINUTE_MS;

    return {
      id: observationId(tenant, datastreamId, timeMs),
      tenant,
      datastreamId,
      phenomenonTimeMs: timeMs,
      resultTimeMs: timeMs,
      receivedAtMs: timeMs + 1000,
      result: result as StoredObservation['result'],
      qualityFlags: [],
      storageProfile: 'onprem-darz',
    };
  });
}

/** Applies the catalog and stores 10 temperatures (0.5, 1.5 … 9.5) and 5 garage counts (100 … 140). */
export async function seed(app: StaTestApp): Promise<void> {
  await app.applyCatalog(CATALOG);
  await app.store.write([
    ...makeObservations(
      'darmstadt',
      'thermo-1.temperature',
      [0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5],
    ),
    ...makeObservations('darmstadt', 'garage-1.spaces', [100, 110, 120, 130, 140]),
    ...makeObservations('heag', 'tram-7.temperature', [21, 22]),
  ]);
}
