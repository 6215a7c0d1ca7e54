import type { StoredObservation } from '@stadtdaten/contracts';
import { makeObservations } from '../../test/fixtures';
import type { ChunkSink } from './chunk-sink';
import { CsvObservationWriter, GeoJsonObservationWriter, JsonLinesObservationWriter, type ObservationFormatWriter, csvCell } from './text-observation.writers';

const info = { id: 'ds-1', unit: 'Cel', resultType: 'number' as const };

async function render(create: (sink: ChunkSink) => ObservationFormatWriter, pages: StoredObservation[][]): Promise<string> {
  const chunks: Uint8Array[] = [];
  const writer = create((chunk) => {
    chunks.push(chunk);
  });
  for (const page of pages) {
    await writer.writePage(page);
  }
  await writer.finish();

  return Buffer.concat(chunks).toString('utf8');
}

describe(GeoJsonObservationWriter.name, () => {
  const datastream = { ...info, name: 'Temperatur', thingId: 'station-1', geometry: { type: 'Point' as const, coordinates: [8.65, 49.87] } };

  it('writes a feature per observation', async () => {
    const observations = makeObservations(5, (index) => 20 + index);
    const text = await render((sink) => new GeoJsonObservationWriter(datastream, sink), [observations.slice(0, 3), observations.slice(3)]);
    const collection = JSON.parse(text);

    expect(collection.type).toBe('FeatureCollection');
    expect(collection.datastream).toEqual({ id: 'ds-1', name: 'Temperatur', unit: 'Cel', thingId: 'station-1' });
    expect(collection.features).toHaveLength(5);
    expect(collection.features[4]).toEqual({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [8.65, 49.87] },
      properties: {
        id: observations[4].id,
        datastreamId: 'ds-1',
        phenomenonTime: '2026-12-01T00:04:00.000Z',
        resultTime: '2026-12-01T00:04:00.250Z',
        result: 24,
        unit: 'Cel',
      },
    });
  });

  it('writes an empty collection without pages', async () => {
    const text = await render((sink) => new GeoJsonObservationWriter(datastream, sink), []);

    expect(JSON.parse(text).features).toEqual([]);
  });
});

describe(JsonLinesObservationWriter.name, () => {
  it('writes one object per line', async () => {
    const observations = makeObservations(3, (index) => ({ count: index }));
    const text = await render((sink) => new JsonLinesObservationWriter(info, sink), [observations]);
    const lines = text.trimEnd().split('\n').map((line) => JSON.parse(line));

    expect(lines.map((line) => line.result)).toEqual([{ count: 0 }, { count: 1 }, { count: 2 }]);
    expect(text.endsWith('\n')).toBe(true);
  });
});

describe(CsvObservationWriter.name, () => {
  it('names the unit in the header', async () => {
    const text = await render((sink) => new CsvObservationWriter(info, sink), [makeObservations(2)]);
    const [header, first] = text.split('\r\n');

    expect(header).toBe('id,phenomenon_time_utc,result_time_utc,received_at_utc,result [Cel],quality_flags,storage_profile');
    expect(first).toBe('obs-ds-1-0,2026-12-01T00:00:00.000Z,2026-12-01T00:00:00.250Z,2026-12-01T00:00:00.900Z,0,,onprem-darz');
  });

  it('writes the header without rows', async () => {
    const text = await render((sink) => new CsvObservationWriter(info, sink), []);

    expect(text.split('\r\n')).toHaveLength(2);
  });

  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    [{ a: 1 }, '"{""a"":1}"'],
    [null, ''],
  ])('quotes %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});
