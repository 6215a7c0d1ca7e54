import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { MIGRATIONS_TABLE, type RegistryService, openRegistry } from '@stadtdaten/registry';

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

/** A registry in its own store (a temporary SQLite file or PostgreSQL schema) that `cleanup` removes. */
export interface TempRegistry {
  /** Opens the registry; every call opens the same store. */
  open(): Promise<RegistryService>;
  /** Names recorded in the migrations table, in the order they ran. */
  migrationNames(): Promise<string[]>;
  /** Closes every registry it opened and removes the store. */
  cleanup(): Promise<void>;
}

/** Creates a registry on a SQLite file in a new temporary folder. */
export function makeTempRegistry(): TempRegistry {
  const dir = mkdtempSync(join(tmpdir(), 'stadtdaten-registry-'));
  const path = join(dir, 'nested', 'registry.sqlite');
  const opened: RegistryService[] = [];

  return {
    async open() {
      const registry = await openRegistry({ type: 'sqlite', path });
      opened.push(registry);

      return registry;
    },
    async migrationNames() {
      const db = new Database(path, { readonly: true });
      const rows = db.prepare(`SELECT name FROM "${MIGRATIONS_TABLE}" ORDER BY id`).all() as Array<{
        name: string;
      }>;
      db.close();

      return rows.map((row) => row.name);
    },
    async cleanup() {
      for (const registry of opened) {
        await registry.close();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let schemaCounter = 0;

/** Creates a registry in a new schema `registry_test_<random>` of the PostgreSQL database at `url`; `cleanup` drops the schema. */
export function makeTempPostgresRegistry(url: string): TempRegistry & { schema: string } {
  schemaCounter += 1;
  const schema = `registry_test_${randomBytes(4).toString('hex')}_${schemaCounter}`;
  const opened: RegistryService[] = [];

  async function withAdmin<T>(work: (admin: DataSource) => Promise<T>): Promise<T> {
    const admin = new DataSource({ type: 'postgres', url });
    await admin.initialize();
    try {
      return await work(admin);
    } finally {
      await admin.destroy();
    }
  }

  return {
    schema,
    async open() {
      const registry = await openRegistry({ type: 'postgres', url, schema });
      opened.push(registry);

      return registry;
    },
    migrationNames() {
      return withAdmin(async (admin) => {
        const rows = (await admin.query(
          `SELECT name FROM "${schema}"."${MIGRATIONS_TABLE}" ORDER BY id`,
        )) as Array<{
          name: string;
        }>;

        return rows.map((row) => row.name);
      });
    },
    async cleanup() {
      for (const registry of opened) {
        await registry.close();
      }
      await withAdmin((admin) => admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    },
  };
}

/**
 * Declares the suite once per registry backend: SQLite always, PostgreSQL when
 * STADTDATEN_POSTGRES_URL is set. `body` gets the factory of a fresh registry for each test.
 */
export function describeRegistryBackends(
  name: string,
  body: (makeRegistry: () => TempRegistry) => void,
): void {
  describe(`${name} on SQLite`, () => body(makeTempRegistry));

  const url = process.env.STADTDATEN_POSTGRES_URL;
  if (url === undefined || url === '') {
    describe.skip(`${name} on PostgreSQL: STADTDATEN_POSTGRES_URL is unset; npm test sets it after starting the dev services`, () =>
      body(() => makeTempPostgresRegistry('')));

    return;
  }
  describe(`${name} on PostgreSQL`, () => body(() => makeTempPostgresRegistry(url)));
}
