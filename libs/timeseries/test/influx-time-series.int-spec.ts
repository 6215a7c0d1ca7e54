import { ErrorCode } from '@stadtdaten/contracts';
import { InfluxTimeSeriesStore, tenantDatabase } from '@stadtdaten/timeseries';

import {
  BASE_MS,
  dropRunDatabases,
  HOUR_MS,
  influxCa,
  influxUrl,
  listDatabases,
  makeObservation,
  makeStore,
  MINUTE_MS,
  RUN_PREFIX,
  rawQuery,
  rawWrite,
  SKIP_REASON,
} from './influx-test-helpers';
import { runTimeSeriesStoreContract } from './time-series-store.contract';

/**
 * Datastream ids that test the escaping of line protocol and InfluxQL. The DROP statement
 * names a database that exists during the test, so a broken quote would show as its loss.
 */
const CANARY_DATABASE = `${RUN_PREFIX}_canary`;
const HOSTILE_IDS = [
  'ds-1',
  'ds-1 ',
  'ds "double" quotes',
  "ds 'single' quotes",
  'back\\slash',
  'trailing\\',
  '\\',
  'line\nbreak',
  'carriage\rreturn',
  'tab\tchar',
  `x'; DROP DATABASE "${CANARY_DATABASE}"; --`,
  `x"; DROP DATABASE "${CANARY_DATABASE}"; --`,
  'comma,equals=space here',
  '%25 percent %5C',
  'Straße/ö ✓',
];
const HOSTILE_TENANTS = [
  'darmstadt',
  "t'quote",
  't"double',
  't\\back',
  't\nline',
  'Upper Case',
  'a_b',
  'a-b',
];

function body(): void {
  runTimeSeriesStoreContract(
    `${InfluxTimeSeriesStore.name} in per-tenant-profile layout`,
    async () => {
      const store = makeStore('contract');
      await store.connect();

      return store;
    },
    () => dropRunDatabases('contract'),
  );

  runTimeSeriesStoreContract(
    `${InfluxTimeSeriesStore.name} in single layout`,
    async () => {
      const store = makeStore('single', { databaseLayout: 'single', database: `${RUN_PREFIX}_single` });
      await store.connect();

      return store;
    },
    () => dropRunDatabases('single'),
  );

  describe(InfluxTimeSeriesStore.name, () => {
    let sut: InfluxTimeSeriesStore;

    beforeAll(async () => {
      await rawQuery(`CREATE DATABASE "${CANARY_DATABASE}"`);
    });

    afterEach(async () => {
      await sut?.close();
    });

    afterAll(async () => {
      await dropRunDatabases();
    });

    describe('idempotent writes', () => {
      // InfluxDB identifies a point by measurement, tag set and timestamp. The observation id is
      // derived from tenant, datastream and phenomenon time, so equal ids land on one point.
      it('keeps one point per id', async () => {
        sut = makeStore('idem');
        await sut.connect();
        const first = makeObservation({ tenant: 'darmstadt', result: 10, qualityFlags: ['estimated'] });

        await sut.write([first]);
        await sut.write([first, first]);
        await sut.write([{ ...first, result: 11, qualityFlags: [] }]);

        const database = tenantDatabase(`${RUN_PREFIX}_idem`, 'darmstadt', 'onprem-darz');
        expect(await rawQuery('SELECT COUNT("id") FROM "observations"', database)).toEqual([[0, 1]]);
        expect(
          await sut.query({ tenant: 'darmstadt', datastreamId: 'ds-1', fromMs: BASE_MS, toMs: BASE_MS + 1 }),
        ).toEqual([{ ...first, result: 11, qualityFlags: [] }]);
      });

      it('replaces a point with the same key and another id', async () => {
        sut = makeStore('idem');
        await sut.connect();
        await sut.write([makeObservation({ tenant: 'other-id', result: 1 })]);

        await sut.write([makeObservation({ tenant: 'other-id', id: 'replacement', result: 2 })]);

        const read = await sut.query({ tenant: 'other-id', datastreamId: 'ds-1', fromMs: 0, toMs: 2e12 });
        expect(read.map((observation) => [observation.id, observation.result])).toEqual([['replacement', 2]]);
      });

      it('reads the new type after a type change', async () => {
        sut = makeStore('idem');
        await sut.connect();
        const observation = makeObservation({ tenant: 'retyped', result: 42 });
        await sut.write([observation]);

        await sut.write([{ ...observation, result: 'sensor error' }]);

        const read = await sut.query({ tenant: 'retyped', datastreamId: 'ds-1', fromMs: 0, toMs: 2e12 });
        expect(read.map((stored) => stored.result)).toEqual(['sensor error']);
      });
    });

    describe('values', () => {
      it('round-trips extreme numbers and strings', async () => {
        sut = makeStore('values');
        await sut.connect();
        const results = [
          1e21,
          -1.5e-300,
          5e-324,
          Number.MAX_VALUE,
          0.1 + 0.2,
          2 ** 53 + 2,
          '',
          'a "b" \\ c\nd\re',
          'ü✓',
        ];
        const written = results.map((result, index) =>
          makeObservation({ tenant: 'values', phenomenonTimeMs: BASE_MS + index, result }),
        );

        await sut.write(written);

        expect(
          await sut.query({ tenant: 'values', datastreamId: 'ds-1', fromMs: BASE_MS, toMs: BASE_MS + 100 }),
        ).toEqual(written);
      });

      it('aligns buckets before 1970 to epoch multiples', async () => {
        sut = makeStore('values');
        await sut.connect();
        await sut.write([
          makeObservation({ tenant: 'pre-1970', phenomenonTimeMs: -HOUR_MS - 1, result: 5 }),
          makeObservation({ tenant: 'pre-1970', phenomenonTimeMs: -1, result: 7 }),
        ]);

        const points = await sut.aggregate({
          tenant: 'pre-1970',
          datastreamId: 'ds-1',
          fromMs: -3 * HOUR_MS,
          toMs: 0,
          aggregate: 'sum',
          intervalMs: HOUR_MS,
        });

        expect(points).toEqual([
          { bucketStartMs: -2 * HOUR_MS, value: 5, count: 1 },
          { bucketStartMs: -HOUR_MS, value: 7, count: 1 },
        ]);
      });

      it('returns the latest of many datastreams', async () => {
        sut = makeStore('values');
        await sut.connect();
        const ids = Array.from({ length: 230 }, (_, index) => `many-${index}`);
        await sut.write(
          ids.flatMap((datastreamId, index) => [
            makeObservation({ tenant: 'many', datastreamId, phenomenonTimeMs: BASE_MS, result: -1 }),
            makeObservation({
              tenant: 'many',
              datastreamId,
              phenomenonTimeMs: BASE_MS + index + 1,
              result: index,
            }),
          ]),
        );

        const latest = await sut.latest('many', ids);

        expect(latest.size).toBe(ids.length);
        ids.forEach((id, index) => expect(latest.get(id)?.result).toBe(index));
      });
    });

    describe.each([
      ['per-tenant-profile', { databaseLayout: 'per-tenant-profile' as const }],
      ['single', { databaseLayout: 'single' as const, database: `${RUN_PREFIX}_hostile_single` }],
    ])('hostile ids in %s layout', (_layout, layout) => {
      beforeEach(async () => {
        sut = makeStore('hostile', layout);
        await sut.connect();
      });

      it('keeps each datastream apart', async () => {
        const tenant = 'hostile-ds';
        await sut.write(
          HOSTILE_IDS.map((datastreamId, index) => makeObservation({ tenant, datastreamId, result: index })),
        );

        for (const [index, datastreamId] of HOSTILE_IDS.entries()) {
          const range = { tenant, datastreamId, fromMs: BASE_MS, toMs: BASE_MS + 1 };
          const read = await sut.query(range);
          expect(read.map((observation) => [observation.datastreamId, observation.result])).toEqual([
            [datastreamId, index],
          ]);
          expect(await sut.count(tenant, datastreamId)).toBe(1);
          expect(await sut.aggregate({ ...range, aggregate: 'sum', intervalMs: MINUTE_MS })).toEqual([
            { bucketStartMs: BASE_MS, value: index, count: 1 },
          ]);
        }
        const latest = await sut.latest(tenant, HOSTILE_IDS);
        expect(HOSTILE_IDS.map((id) => latest.get(id)?.result)).toEqual(
          HOSTILE_IDS.map((_id, index) => index),
        );
        expect(await listDatabases()).toContain(CANARY_DATABASE);
      });

      it('keeps each tenant apart', async () => {
        await sut.write(HOSTILE_TENANTS.map((tenant, index) => makeObservation({ tenant, result: index })));

        for (const [index, tenant] of HOSTILE_TENANTS.entries()) {
          const read = await sut.query({ tenant, datastreamId: 'ds-1', fromMs: BASE_MS, toMs: BASE_MS + 1 });
          expect(read.map((observation) => [observation.tenant, observation.result])).toEqual([
            [tenant, index],
          ]);
          expect(await sut.count(tenant)).toBe(1);
        }
        expect(await sut.count("t'quote'; DROP")).toBe(0);
        expect(await listDatabases()).toContain(CANARY_DATABASE);
      });
    });

    describe('write errors', () => {
      it('rejects a field type conflict', async () => {
        sut = makeStore('conflict');
        await sut.connect();
        const database = tenantDatabase(`${RUN_PREFIX}_conflict`, 'darmstadt', 'onprem-darz');
        await rawQuery(`CREATE DATABASE "${database}"`);
        await rawWrite(database, `observations,datastream=other value="text" ${BASE_MS}`);

        const error = await sut
          .write([makeObservation({ tenant: 'darmstadt', result: 1.5 })])
          .catch((caught: unknown) => caught);

        expect(error).toMatchObject({ code: ErrorCode.CONFLICT, retriable: false });
        expect((error as Error).message).toContain('field type conflict');
      });

      it('rejects a time outside the stored range', async () => {
        sut = makeStore('conflict');
        await sut.connect();

        await expect(
          sut.write([makeObservation({ tenant: 'darmstadt', phenomenonTimeMs: 8.64e15 })]),
        ).rejects.toMatchObject({
          code: ErrorCode.VALIDATION_FAILED,
          message: expect.stringContaining('observation 0'),
        });
      });

      it('rejects calls before connect', async () => {
        sut = makeStore('conflict');

        await expect(sut.count('darmstadt')).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE });
        expect(await sut.isHealthy()).toBe(false);
      });
    });

    // The dev services' InfluxDB serves HTTPS with a certificate of the dev CA.
    const itOverHttps = influxCa === undefined ? it.skip : it;

    describe('TLS', () => {
      itOverHttps('fails without the CA of the server certificate', async () => {
        sut = makeStore('tls', { ca: undefined });

        await expect(sut.connect()).rejects.toMatchObject({
          code: ErrorCode.UNAVAILABLE,
          message: expect.stringContaining('certificate'),
        });
      });

      itOverHttps('fails over plain HTTP', async () => {
        sut = makeStore('tls', { ca: undefined, url: influxUrl.replace('https://', 'http://') });

        await expect(sut.connect()).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE });
      });
    });
  });
}

if (influxUrl === '') {
  describe.skip(`${InfluxTimeSeriesStore.name}: ${SKIP_REASON}`, body);
} else {
  describe(`${InfluxTimeSeriesStore.name} on InfluxDB`, body);
}
