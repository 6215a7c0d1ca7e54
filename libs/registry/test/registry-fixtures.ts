import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RegistryService, openRegistry } from '@stadtdaten/registry';

/** A catalog document as plain data, the way parseCatalog returns it. */
export interface CatalogFixture {
  tenants: Array<Record<string, unknown>>;
  observedProperties: Array<Record<string, unknown>>;
  deviceTypes: Array<Record<string, unknown>>;
  things: Array<Record<string, unknown>>;
  devices: Array<Record<string, unknown>>;
}

/**
 * Builds a small valid catalog: tenant darmstadt, an SDS011 particulate sensor (public,
 * with P1 overridden to internal) at Luisenplatz and a DHT22 climate sensor (internal) at
 * Hügelstraße. Sections in `overrides` replace the defaults.
 */
export function makeCatalog(overrides: Partial<CatalogFixture> = {}): CatalogFixture {
  return {
    tenants: [{ id: 'darmstadt', name: 'Wissenschaftsstadt Darmstadt', storageProfile: 'onprem-darz' }],
    observedProperties: [
      { id: 'pm10', name: 'PM10', definition: 'http://dd.eionet.europa.eu/vocabulary/aq/pollutant/5' },
      { id: 'pm2_5', name: 'PM2.5', definition: 'http://dd.eionet.europa.eu/vocabulary/aq/pollutant/6001' },
      {
        id: 'air_temperature',
        name: 'Lufttemperatur',
        definition: 'urn:stadtdaten:property:air_temperature',
      },
      {
        id: 'relative_humidity',
        name: 'Relative Luftfeuchte',
        definition: 'urn:stadtdaten:property:relative_humidity',
      },
    ],
    deviceTypes: [
      {
        id: 'sds011',
        tenant: 'darmstadt',
        name: 'Nova SDS011 particulate sensor',
        payloadFormat: 'json',
        fields: [
          { field: 'P1', observedProperty: 'pm10', unit: 'ug/m3', type: 'number', min: 0, max: 2000 },
          { field: 'P2', observedProperty: 'pm2_5', unit: 'ug/m3', type: 'number', min: 0, max: 1000 },
        ],
      },
      {
        id: 'dht22',
        tenant: 'darmstadt',
        name: 'DHT22 temperature and humidity sensor',
        payloadFormat: 'sensor-community',
        timeZone: 'Europe/Berlin',
        fields: [
          {
            field: 'temperature',
            observedProperty: 'air_temperature',
            unit: 'Cel',
            type: 'number',
            min: -40,
            max: 80,
          },
          {
            field: 'humidity',
            observedProperty: 'relative_humidity',
            unit: '%',
            type: 'number',
            min: 0,
            max: 100,
          },
        ],
      },
    ],
    things: [
      {
        tenant: 'darmstadt',
        id: 'luisenplatz',
        name: 'Luisenplatz',
        useCase: 'air-quality',
        location: { type: 'Point', coordinates: [8.6512, 49.8727] },
      },
      {
        tenant: 'darmstadt',
        id: 'huegelstrasse',
        name: 'Hügelstraße',
        useCase: 'air-quality',
        location: { type: 'Point', coordinates: [8.6535, 49.8696] },
        properties: { operator: 'HLNUG' },
      },
    ],
    devices: [
      {
        tenant: 'darmstadt',
        id: 'sds011-15092',
        type: 'sds011',
        thing: 'luisenplatz',
        classification: 'public',
        retentionDays: 3650,
        datastreams: { P1: { classification: 'internal', retentionDays: 365 } },
      },
      {
        tenant: 'darmstadt',
        id: 'dht22-4711',
        type: 'dht22',
        thing: 'huegelstrasse',
        classification: 'internal',
      },
    ],
    ...overrides,
  };
}

/** A registry on a SQLite file in a new temporary folder; `cleanup` closes it and removes the folder. */
export interface TempRegistry {
  dir: string;
  path: string;
  open(): Promise<RegistryService>;
  cleanup(): Promise<void>;
}

export function makeTempRegistry(): TempRegistry {
  const dir = mkdtempSync(join(tmpdir(), 'stadtdaten-registry-'));
  const path = join(dir, 'nested', 'registry.sqlite');
  const opened: RegistryService[] = [];

  return {
    dir,
    path,
    async open() {
      const registry = await openRegistry({ type: 'sqlite', path });
      opened.push(registry);

      return registry;
    },
    async cleanup() {
      for (const registry of opened) {
        await registry.close();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
