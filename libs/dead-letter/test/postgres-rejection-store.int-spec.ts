import { randomBytes } from 'node:crypto';

import { ErrorCode } from '@stadtdaten/contracts';
import { PostgresRejectionStore } from '@stadtdaten/dead-letter';
import { pino } from 'pino';
import { DataSource } from 'typeorm';

import { runRejectionStoreContract } from './rejection-store.contract';

const url = process.env.STADTDATEN_POSTGRES_URL ?? '';
const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
/** Schemas of this test run: one for the contract and one that the adapter cases create. */
const runId = randomBytes(4).toString('hex');
const contractSchema = `rejections_test_${runId}`;
const adapterSchema = `rejections_test_${runId}_new`;

async function dropSchemas(): Promise<void> {
  const admin = new DataSource({ type: 'postgres', url });
  await admin.initialize();
  try {
    for (const schema of [contractSchema, adapterSchema]) {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  } finally {
    await admin.destroy();
  }
}

function makeStore(schema = adapterSchema): PostgresRejectionStore {
  return new PostgresRejectionStore({ url, schema, logger });
}

if (url === '') {
  describe.skip(`${PostgresRejectionStore.name}: STADTDATEN_POSTGRES_URL is unset; npm test sets it after starting the dev services`, () => {
    it('runs the RejectionStore contract against PostgreSQL', () => undefined);
  });
} else {
  afterAll(dropSchemas);

  runRejectionStoreContract(
    PostgresRejectionStore.name,
    async () => {
      const store = makeStore(contractSchema);
      await store.connect();

      return store;
    },
    async () => undefined,
  );

  describe(PostgresRejectionStore.name, () => {
    let sut: PostgresRejectionStore;

    afterEach(async () => {
      await sut.close();
    });

    it('connects concurrently to a new schema', async () => {
      const stores = Array.from({ length: 4 }, () => makeStore());

      await Promise.all(stores.map((store) => store.connect()));

      sut = stores[0];
      await Promise.all(stores.slice(1).map((store) => store.close()));
      expect(await sut.count('nobody')).toBe(0);
    });

    it('stores NUL characters as U+FFFD', async () => {
      sut = makeStore();
      await sut.connect();
      const tenant = `nul-${randomBytes(3).toString('hex')}`;

      await sut.write([
        {
          id: 'nul-1',
          tenant,
          reasonCode: 'MALFORMED_PAYLOAD',
          detail: 'field "a\u0000b" is unknown',
          deviceId: 'dev',
          field: 'a\u0000b',
          entryIndex: 0,
          topic: 't',
          sourceProtocol: 'http',
          format: 'json',
          contentType: 'application/json',
          receivedAtMs: 1,
          rejectedAtMs: 2,
          payloadBase64: 'AA==',
          validatorVersion: '0.1.0',
        },
      ]);

      const [stored] = (await sut.list({ tenant })).items;
      expect(stored.field).toBe('a\uFFFDb');
      expect(stored.payloadBase64).toBe('AA==');
    });

    it('compares ids by code point', async () => {
      sut = makeStore();
      await sut.connect();
      const admin = new DataSource({ type: 'postgres', url });
      await admin.initialize();

      const rows = (await admin
        .query(
          `SELECT collation_name FROM information_schema.columns
           WHERE table_schema = $1 AND table_name = 'rejections' AND column_name = 'id'`,
          [adapterSchema],
        )
        .finally(() => admin.destroy())) as Array<{ collation_name: string }>;

      expect(rows).toEqual([{ collation_name: 'C' }]);
    });

    it('adds state columns to an older table', async () => {
      const admin = new DataSource({ type: 'postgres', url });
      await admin.initialize();
      try {
        await admin.query(`CREATE SCHEMA IF NOT EXISTS "${adapterSchema}"`);
        await admin.query(`DROP TABLE IF EXISTS "${adapterSchema}"."rejections"`);
        await admin.query(`
          CREATE TABLE "${adapterSchema}"."rejections" (
            id text COLLATE "C" PRIMARY KEY, tenant text COLLATE "C" NOT NULL, reason_code text COLLATE "C" NOT NULL,
            detail text NOT NULL, device_id text COLLATE "C" NOT NULL, field text NOT NULL, entry_index integer NOT NULL,
            topic text NOT NULL, source_protocol text NOT NULL, format text NOT NULL, content_type text NOT NULL,
            received_at_ms bigint NOT NULL, rejected_at_ms bigint NOT NULL, payload_base64 text NOT NULL,
            validator_version text NOT NULL
          )`);
        await admin.query(
          `INSERT INTO "${adapterSchema}"."rejections" VALUES
             ('old-1', 'legacy', 'OUT_OF_RANGE', 'too high', 'dev', 'P2', 0, 't', 'mqtt', 'json', 'application/json', 1000, 1010, 'e30=', '0.1.0')`,
        );
      } finally {
        await admin.destroy();
      }
      sut = makeStore();

      await sut.connect();
      const before = await sut.list({ tenant: 'legacy', state: 'open' });
      const marked = await sut.markResubmitted('legacy', 'old-1', { resubmittedAtMs: 2000, resubmittedBy: 'operator' });

      expect(before.items.map((item) => item.id)).toEqual(['old-1']);
      expect(marked).toBe(true);
      expect(await sut.get('legacy', 'old-1')).toMatchObject({ resubmittedAtMs: 2000, resubmittedBy: 'operator' });
    });

    it('rejects a negative limit', async () => {
      sut = makeStore();
      await sut.connect();

      await expect(sut.list({ tenant: 'any', limit: -1 })).rejects.toMatchObject({
        code: ErrorCode.VALIDATION_FAILED,
        message: expect.stringContaining('invalid limit -1'),
      });
    });

    it('rejects calls before connect', async () => {
      sut = makeStore();

      await expect(sut.count('any')).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE });
    });

    // The dev services' PostgreSQL accepts TCP connections with TLS only.
    (new URL(url).searchParams.has('sslmode') ? it : it.skip)(
      'fails without TLS on a TLS-only server',
      async () => {
        const plaintextUrl = new URL(url);
        plaintextUrl.search = '';
        sut = new PostgresRejectionStore({ url: plaintextUrl.toString(), schema: adapterSchema, logger });

        await expect(sut.connect()).rejects.toMatchObject({
          code: ErrorCode.INVALID_CONFIG,
          message: expect.stringContaining('no encryption'),
        });
      },
    );
  });
}
