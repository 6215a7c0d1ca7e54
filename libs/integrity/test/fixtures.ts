import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Observation,
  type ObservationInit,
  createObservation,
  observationId,
} from '@stadtdaten/contracts';

/** Creates an observation with its full context. `overrides` replace single fields. */
export function makeObservation(overrides: ObservationInit = {}): Observation {
  const tenant = overrides.tenant ?? 'darmstadt';
  const datastreamId = overrides.datastreamId ?? 'ds-air-temperature-1';
  const phenomenonTimeMs = overrides.phenomenonTimeMs ?? 1_733_310_000_000;

  return createObservation({
    id: observationId(tenant, datastreamId, phenomenonTimeMs),
    tenant,
    datastreamId,
    thingId: 'thing-luisenplatz',
    deviceId: 'device-elsys-ers-17',
    observedProperty: 'air_temperature',
    unit: 'Cel',
    phenomenonTimeMs,
    resultTimeMs: phenomenonTimeMs + 250,
    receivedAtMs: phenomenonTimeMs + 400,
    result: { case: 'number', value: 21.5 },
    classification: 'public',
    storageProfile: 'onprem-darz',
    ...overrides,
  });
}

/** Creates `count` observations of one datastream, one per minute, with distinct values. */
export function makeObservations(count: number, overrides: ObservationInit = {}): Observation[] {
  return Array.from({ length: count }, (_, index) =>
    makeObservation({
      phenomenonTimeMs: 1_733_310_000_000 + index * 60_000,
      result: { case: 'number', value: 20 + index / 10 },
      ...overrides,
    }),
  );
}

export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `stadtdaten-integrity-${prefix}-`));
}
