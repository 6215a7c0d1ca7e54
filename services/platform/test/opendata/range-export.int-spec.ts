import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import type { RunningPlatform } from '../../src/platform';
import { applyCatalog, getJson, startTestPlatform, waitFor } from '../helpers';

const CATALOG = `
tenants:
  - { id: darmstadt, name: Darmstadt }
observedProperties:
  - { id: fill_level, name: Füllstand, definition: "urn:stadtdaten:property:fill_level" }
deviceTypes:
  - { id: glass-sensor, tenant: darmstadt, name: Glass container sensor, payloadFormat: json, fields: [{ field: fill, observedProperty: fill_level, unit: "%", type: number, min: 0, max: 100 }] }
things:
  - { tenant: darmstadt, id: container-1, name: Container 1, useCase: waste, location: { type: Point, coordinates: [8.65, 49.87] } }
devices:
  - { tenant: darmstadt, id: glass-public, type: glass-sensor, thing: container-1, classification: public }
  - { tenant: darmstadt, id: glass-internal, type: glass-sensor, thing: container-1, classification: internal }
`;

/** More than one store page (5,000), so exports cross a page boundary. */
const COUNT = 7300;
const START_S = Date.UTC(2026, 10, 1) / 1000;
const RANGE = `from=${new Date(START_S * 1000).toISOString()}&to=${new Date((START_S + COUNT * 60) * 1000).toISOString()}`;
const valueAt = (index: number) => (index * 7) % 100;

describe('open data on the platform', () => {
  let platform: RunningPlatform;
  let cleanup: () => void;

  async function ingest(device: string, from: number, to: number) {
    const token = await platform.issueToken('darmstadt', ['device'], device);
    const records = [];
    for (let index = from; index < to; index += 1) {
      records.push({ n: 'fill', v: valueAt(index), t: START_S + index * 60 });
    }
    const response = await fetch(`${platform.httpUrl}/api/v1/ingest?device=${device}&format=senml`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/senml+json' },
      body: JSON.stringify(records),
    });
    expect(response.status).toBeLessThan(300);
  }

  beforeAll(async () => {
    ({ platform, cleanup } = await startTestPlatform());
    await applyCatalog(platform, CATALOG);
    for (let from = 0; from < COUNT; from += 2500) {
      await ingest('glass-public', from, Math.min(COUNT, from + 2500));
    }
    await ingest('glass-internal', 0, 10);
    await waitFor(
      () => getJson(platform, `/api/v1/tenants/darmstadt/datastreams/glass-public.fill/observations?${RANGE}&limit=10000`),
      (response) => response.body.observations?.length === COUNT,
      60_000,
    );
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    cleanup?.();
  });

  const exportOf = (format: string, datastream = 'glass-public.fill', headers: Record<string, string> = {}) =>
    fetch(`${platform.httpUrl}/api/v1/tenants/darmstadt/datastreams/${datastream}/observations?${RANGE}&format=${format}`, { headers });

  it('streams GeoJSON with a feature per observation', async () => {
    const response = await exportOf('geojson');
    const collection = await response.json();

    expect(response.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    expect(response.headers.get('content-disposition')).toMatch(/\.geojson"$/);
    expect(collection.features).toHaveLength(COUNT);
    expect(collection.features[0].geometry).toEqual({ type: 'Point', coordinates: [8.65, 49.87] });
    expect(collection.features[COUNT - 1].properties).toMatchObject({ result: valueAt(COUNT - 1), unit: '%', phenomenonTime: new Date((START_S + (COUNT - 1) * 60) * 1000).toISOString() });
  });

  it('streams JSON lines', async () => {
    const response = await exportOf('jsonl');
    const lines = (await response.text()).trim().split('\n').map((line) => JSON.parse(line));

    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(lines).toHaveLength(COUNT);
    expect(lines.map((line) => line.result)).toEqual(Array.from({ length: COUNT }, (_, index) => valueAt(index)));
  });

  it('streams Parquet with a row group per store page', async () => {
    const response = await exportOf('parquet');
    const bytes = await response.arrayBuffer();
    const metadata = parquetMetadata(bytes);
    const rows = (await parquetReadObjects({ file: bytes, columns: ['result'] })) as Array<{ result: number }>;

    expect(response.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    expect(metadata.row_groups.map((group) => Number(group.num_rows))).toEqual([5000, COUNT - 5000]);
    expect(rows.map((row) => row.result)).toEqual(Array.from({ length: COUNT }, (_, index) => valueAt(index)));
  });

  it('limits the export to from and to', async () => {
    const from = new Date((START_S + 100 * 60) * 1000).toISOString();
    const to = new Date((START_S + 110 * 60) * 1000).toISOString();
    const response = await fetch(`${platform.httpUrl}/api/v1/tenants/darmstadt/datastreams/glass-public.fill/observations?from=${from}&to=${to}&format=jsonl`);

    expect((await response.text()).trim().split('\n')).toHaveLength(10);
  });

  it('hides an internal datastream from anonymous callers', async () => {
    const token = await platform.issueToken('darmstadt', ['analyst'], 'analyst');

    expect((await exportOf('parquet', 'glass-internal.fill')).status).toBe(404);
    expect((await exportOf('parquet', 'glass-internal.fill', { authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it('lists the public datastream in the catalog', async () => {
    const catalog = await (await fetch(`${platform.httpUrl}/api/v1/catalog`)).text();

    expect(catalog).toContain('/datastreams/glass-public.fill/observations?format=parquet');
    expect(catalog).not.toContain('glass-internal');
  });

  it('names the export formats for an unknown one', async () => {
    const response = await exportOf('xlsx');

    expect(response.status).toBe(400);
    expect((await response.json()).detail).toContain('parquet');
  });
});
