import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredObservation } from '@stadtdaten/contracts';
import { parquetMetadata } from 'hyparquet';
import { makeObservations } from '../../test/fixtures';
import type { ResultColumnType } from './observation-columns';
import { readParquetObservations } from './parquet-observation.reader';
import { PARQUET_UNIT_KEY, ParquetObservationWriter } from './parquet-observation.writer';

const dir = mkdtempSync(join(tmpdir(), 'opendata-parquet-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeParquet(pages: StoredObservation[][], resultType: ResultColumnType) {
  const chunks: Uint8Array[] = [];
  const writer = new ParquetObservationWriter({ id: 'ds-1', unit: 'Cel', resultType }, (chunk) => {
    chunks.push(chunk);
  });
  const chunksAfterPage: number[] = [];
  for (const page of pages) {
    await writer.writePage(page);
    chunksAfterPage.push(chunks.length);
  }
  await writer.finish();
  const bytes = Buffer.concat(chunks);
  const file = join(dir, `${resultType}-${pages.length}-${Date.now()}-${Math.random()}.parquet`);
  writeFileSync(file, bytes);

  return { file, bytes, chunksAfterPage };
}

async function readAll(file: string) {
  const rows: StoredObservation[] = [];
  for await (const page of readParquetObservations(file, 'darmstadt')) {
    rows.push(...page);
  }

  return rows;
}

const plain = (rows: StoredObservation[]) => rows.map(({ retentionDays: _unused, ...rest }) => rest);

describe(ParquetObservationWriter.name, () => {
  it('writes one row group per page', async () => {
    const observations = makeObservations(25, (index) => index / 4);
    const { bytes } = await writeParquet([observations.slice(0, 10), observations.slice(10, 20), observations.slice(20)], 'number');
    const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));

    expect(metadata.row_groups.map((group) => Number(group.num_rows))).toEqual([10, 10, 5]);
    expect(metadata.key_value_metadata).toContainEqual({ key: PARQUET_UNIT_KEY, value: 'Cel' });
  });

  it('hands bytes to the sink after every page', async () => {
    const observations = makeObservations(30);
    const { chunksAfterPage } = await writeParquet([observations.slice(0, 10), observations.slice(10, 20), observations.slice(20)], 'number');

    expect(chunksAfterPage).toEqual([1, 2, 3]);
  });

  it('stores times as UTC timestamps', async () => {
    const { bytes } = await writeParquet([makeObservations(2)], 'number');
    const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const element = metadata.schema.find((entry) => entry.name === 'phenomenon_time');

    expect(element?.logical_type).toEqual({ type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' });
  });

  it.each<[ResultColumnType, (index: number) => StoredObservation['result']]>([
    ['number', (index) => index * 1.5 - 3],
    ['boolean', (index) => index % 3 === 0],
    ['string', (index) => `Wert ${index}, "zitiert"`],
    ['json', (index) => ({ lanes: [index, index + 1], state: 'ok' })],
  ])('round-trips %s results', async (resultType, result) => {
    const observations = makeObservations(12, result);
    const { file } = await writeParquet([observations.slice(0, 7), observations.slice(7)], resultType);

    expect(plain(await readAll(file))).toEqual(observations);
  });

  it('keeps results of another type in result_json', async () => {
    const observations = makeObservations(4, (index) => (index === 2 ? 'defekt' : index));
    const { file } = await writeParquet([observations], 'number');

    expect((await readAll(file)).map((row) => row.result)).toEqual([0, 1, 'defekt', 3]);
  });

  it('writes a readable file without rows', async () => {
    const { file } = await writeParquet([], 'number');

    expect(await readAll(file)).toEqual([]);
  });
});
