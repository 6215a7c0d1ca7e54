import { createServer } from 'node:net';

import { ErrorCode } from '@stadtdaten/contracts';
import { openRegistry } from '@stadtdaten/registry';
import { DataSource } from 'typeorm';

import { makeCatalog, makeTempPostgresRegistry, type TempRegistry } from './registry-fixtures';

const url = process.env.STADTDATEN_POSTGRES_URL ?? '';

/** Returns a port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));

  return port;
}

describe('openRegistry on PostgreSQL', () => {
  it('rejects an invalid schema name', async () => {
    await expect(
      openRegistry({ type: 'postgres', url: 'postgres://u:p@127.0.0.1:1/x', schema: 'Registry; DROP' }),
    ).rejects.toMatchObject({
      code: ErrorCode.INVALID_CONFIG,
      message: expect.stringContaining('"Registry; DROP"'),
    });
  });

  it('reports an unreachable server without the password', async () => {
    const port = await closedPort();

    const error = await openRegistry({
      type: 'postgres',
      url: `postgres://stadtdaten:hunter2@127.0.0.1:${port}/x`,
    }).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: ErrorCode.UNAVAILABLE, retriable: true });
    expect((error as Error).message).toContain(`postgres://stadtdaten:***@127.0.0.1:${port}/x`);
    expect(JSON.stringify((error as { details: unknown }).details)).not.toContain('hunter2');
    expect((error as Error).message).not.toContain('hunter2');
  });
});

const describeWithPostgres = url === '' ? describe.skip : describe;
const title =
  url === ''
    ? 'PostgreSQL registry schema: STADTDATEN_POSTGRES_URL is unset; npm test sets it after starting the dev services'
    : 'PostgreSQL registry schema';

describeWithPostgres(title, () => {
  let temp: TempRegistry & { schema: string };
  let admin: DataSource;

  beforeAll(async () => {
    admin = new DataSource({ type: 'postgres', url });
    await admin.initialize();
  });

  afterAll(async () => {
    await admin.destroy();
  });

  beforeEach(async () => {
    temp = makeTempPostgresRegistry(url);
    await (await temp.open()).applyCatalog(makeCatalog());
  });

  afterEach(async () => {
    await temp.cleanup();
  });

  async function columnsOf(table: string): Promise<Map<string, { type: string; collation: string | null }>> {
    const rows = (await admin.query(
      `SELECT column_name, data_type, collation_name FROM information_schema.columns
       WHERE table_schema = $1 AND table_name = $2`,
      [temp.schema, table],
    )) as Array<{ column_name: string; data_type: string; collation_name: string | null }>;

    return new Map(
      rows.map((row) => [row.column_name, { type: row.data_type, collation: row.collation_name }]),
    );
  }

  it('sorts id columns by code point', async () => {
    const expected: Array<[table: string, columns: string[]]> = [
      ['tenant', ['id']],
      ['thing', ['tenant_id', 'id']],
      ['device', ['tenant_id', 'id', 'device_type_id', 'thing_id']],
      ['datastream', ['tenant_id', 'id', 'thing_id', 'device_id', 'observed_property_id']],
      ['ckan_publication', ['dataset_id', 'tenant_id']],
    ];

    for (const [table, names] of expected) {
      const columns = await columnsOf(table);
      for (const name of names)
        expect([table, name, columns.get(name)?.collation]).toEqual([table, name, 'C']);
    }
  });

  it('uses timestamptz, boolean and text columns', async () => {
    const datastream = await columnsOf('datastream');

    expect(datastream.get('created_at')?.type).toBe('timestamp with time zone');
    expect(datastream.get('updated_at')?.type).toBe('timestamp with time zone');
    expect(datastream.get('retired')?.type).toBe('boolean');
    expect(datastream.get('value_schema')?.type).toBe('text');
    expect((await columnsOf('ckan_publication')).get('attempted_at')?.type).toBe('timestamp with time zone');
    expect((await columnsOf('ckan_publication_run')).get('started_at')?.type).toBe('timestamp with time zone');
  });

  it('lists upper-case ids before lower-case ones', async () => {
    const registry = await temp.open();
    const catalog = makeCatalog();
    catalog.things = [
      { ...catalog.things[0], id: 'b-platz' },
      { ...catalog.things[0], id: 'B-platz' },
      { ...catalog.things[0], id: 'a_platz' },
      { ...catalog.things[0], id: 'a-platz' },
    ];
    catalog.devices = [];
    await registry.applyCatalog(catalog);

    const ids = (await registry.listThings('darmstadt')).map((thing) => thing.id);

    expect(ids).toEqual(['B-platz', 'a-platz', 'a_platz', 'b-platz', 'huegelstrasse', 'luisenplatz']);
  });
});
