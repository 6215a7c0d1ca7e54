import { randomBytes } from 'node:crypto';

import { AuditAction, AuditOutcome, PostgresAuditLog } from '@stadtdaten/audit';
import { ErrorCode, FixedClock } from '@stadtdaten/contracts';
import { pino } from 'pino';

import { type AuditColumn, runAuditLogContract } from './audit-log.contract';

const url = process.env.STADTDATEN_POSTGRES_URL ?? '';
const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
/** Prefix of every schema this run creates; the run drops them all at the end. */
const runPrefix = `audit_test_${randomBytes(4).toString('hex')}`;
const createdSchemas: string[] = [];

interface RawClient {
  connect(): Promise<void>;
  query(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: Array<Record<string, unknown>>; rowCount: number | null }>;
  end(): Promise<void>;
}

/** Runs `work` on a plain node-postgres client, the raw driver beside the adapter. */
async function withClient<T>(work: (client: RawClient) => Promise<T>): Promise<T> {
  const pg = require('pg') as { Client: new (config: { connectionString: string }) => RawClient };
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Runs one statement with the append-only triggers disabled, as the table owner can. */
async function runRaw(schema: string, statement: string, values: unknown[]): Promise<void> {
  await withClient(async (client) => {
    await client.query('BEGIN');
    await client.query(`ALTER TABLE "${schema}".entries DISABLE TRIGGER USER`);
    const result = await client.query(statement, values);
    await client.query(`ALTER TABLE "${schema}".entries ENABLE TRIGGER USER`);
    await client.query('COMMIT');
    if (result.rowCount !== 1)
      throw new Error(`expected to change 1 row, changed ${result.rowCount}: ${statement}`);
  });
}

function newSchema(): string {
  const schema = `${runPrefix}_${createdSchemas.length + 1}`;
  createdSchemas.push(schema);

  return schema;
}

async function dropSchemas(): Promise<void> {
  await withClient(async (client) => {
    for (const schema of createdSchemas.splice(0)) {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });
}

if (url === '') {
  describe.skip(`${PostgresAuditLog.name}: STADTDATEN_POSTGRES_URL is unset; npm test sets it after starting the dev services`, () => {
    it('runs the AuditLog contract against PostgreSQL', () => undefined);
  });
} else {
  runAuditLogContract(PostgresAuditLog.name, {
    async create(clock) {
      const schema = newSchema();

      return {
        async open() {
          const log = new PostgresAuditLog({ url, schema, logger, clock, poolSize: 8 });
          await log.connect();

          return log;
        },
        tamper: {
          async update(sequence: number, column: AuditColumn, value: string | number | null) {
            await runRaw(schema, `UPDATE "${schema}".entries SET ${column} = $1 WHERE sequence = $2`, [
              value,
              sequence,
            ]);
          },
          async delete(sequence: number) {
            await runRaw(schema, `DELETE FROM "${schema}".entries WHERE sequence = $1`, [sequence]);
          },
        },
      };
    },
    cleanup: dropSchemas,
  });

  describe(PostgresAuditLog.name, () => {
    let schema: string;
    let sut: PostgresAuditLog;

    beforeEach(() => {
      schema = newSchema();
      sut = new PostgresAuditLog({ url, schema, logger, clock: new FixedClock(1_735_689_600_000) });
    });

    afterEach(async () => {
      await sut.close();
    });

    afterAll(dropSchemas);

    async function appendOne(): Promise<void> {
      await sut.connect();
      await sut.append({
        action: AuditAction.CATALOG_CHANGED,
        actor: { kind: 'principal', subject: 'carol', tenant: 'darmstadt', roles: ['tenant-admin'] },
        target: { tenant: 'darmstadt', resourceType: 'catalog', resourceId: 'parking' },
        outcome: AuditOutcome.SUCCESS,
      });
    }

    const blocked: Array<[operation: string, statement: (table: string) => string]> = [
      ['UPDATE', (table) => `UPDATE ${table} SET details = '{}'`],
      ['DELETE', (table) => `DELETE FROM ${table}`],
      ['TRUNCATE', (table) => `TRUNCATE ${table}`],
    ];

    it.each(blocked)('rejects %s through a trigger', async (operation, statement) => {
      await appendOne();

      const attempt = withClient((client) => client.query(statement(`"${schema}".entries`)));

      await expect(attempt).rejects.toThrow(`audit log entries are append-only: ${operation} is not allowed`);
      const count = await withClient((client) =>
        client.query(`SELECT count(*)::int AS n FROM "${schema}".entries`),
      );
      expect(count.rows).toEqual([{ n: 1 }]);
    });

    it('connects concurrently to a new schema', async () => {
      const logs = Array.from({ length: 4 }, () => new PostgresAuditLog({ url, schema, logger }));

      await Promise.all(logs.map((log) => log.connect()));

      await Promise.all(logs.map((log) => log.close()));
      const migrations = await withClient((client) =>
        client.query(`SELECT version FROM "${schema}".migrations ORDER BY version`),
      );
      expect(migrations.rows).toEqual([{ version: 1 }]);
    });

    it('rejects an invalid schema name', () => {
      expect(() => new PostgresAuditLog({ url, schema: 'Audit; DROP', logger })).toThrow(
        expect.objectContaining({ code: ErrorCode.INVALID_CONFIG }),
      );
    });

    it('rejects a schema of a newer migration', async () => {
      await sut.connect();
      await sut.close();
      await withClient((client) => client.query(`INSERT INTO "${schema}".migrations VALUES (2, 0)`));

      await expect(sut.connect()).rejects.toMatchObject({
        code: ErrorCode.INVALID_CONFIG,
        message: expect.stringContaining('migration 2'),
      });
    });

    it('rejects calls before connect', async () => {
      await expect(sut.head()).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE });
    });
  });
}
