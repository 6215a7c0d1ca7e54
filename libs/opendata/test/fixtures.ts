import type { StoredObservation } from '@stadtdaten/contracts';
import type { DatastreamDto, ThingDto } from '@stadtdaten/registry';

export function makeThing(overrides: Partial<ThingDto> = {}): ThingDto {
  return {
    tenant: 'darmstadt',
    id: 'carree',
    name: 'Parkhaus Carree',
    description: 'Parkhaus in der Innenstadt',
    useCase: 'parking',
    location: { type: 'Point', coordinates: [8.6512, 49.8727] },
    properties: {},
    datastreamIds: ['carree-counter.free_spaces'],
    ...overrides,
  };
}

export function makeDatastream(overrides: Partial<DatastreamDto> = {}): DatastreamDto {
  return {
    tenant: 'darmstadt',
    id: 'carree-counter.free_spaces',
    name: 'Freie Stellplätze – Parkhaus Carree',
    description: '',
    thingId: 'carree',
    deviceId: 'carree-counter',
    field: 'free_spaces',
    observedProperty: { id: 'free_spaces', name: 'Freie Stellplätze', definition: 'urn:stadtdaten:property:free_spaces', description: '' },
    unit: { code: '{spaces}', symbol: 'Stellplätze', label: { de: 'Stellplätze', en: 'spaces' } },
    valueSchema: { type: 'integer', min: 0 },
    classification: 'public',
    retentionDays: null,
    storageProfile: 'onprem-darz',
    retired: false,
    ...overrides,
  };
}

/** Observations one minute apart from 2026-12-01T00:00Z, with results from `result(index)`. */
export function makeObservations(count: number, result: (index: number) => StoredObservation['result'] = (index) => index, datastreamId = 'ds-1'): StoredObservation[] {
  const startMs = Date.UTC(2026, 11, 1);

  return Array.from({ length: count }, (_, index) => ({
    id: `obs-${datastreamId}-${index}`,
    tenant: 'darmstadt',
    datastreamId,
    phenomenonTimeMs: startMs + index * 60_000,
    resultTimeMs: startMs + index * 60_000 + 250,
    receivedAtMs: startMs + index * 60_000 + 900,
    result: result(index),
    qualityFlags: index % 2 === 0 ? [] : ['suspect'],
    storageProfile: 'onprem-darz',
  }));
}
