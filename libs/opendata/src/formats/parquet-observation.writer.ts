import type { StoredObservation } from '@stadtdaten/contracts';
import { ByteWriter, ParquetWriter, type SchemaElement } from 'hyparquet-writer';
import type { ChunkSink } from './chunk-sink';
import { type DatastreamExportInfo, type ResultColumnType, splitResult } from './observation-columns';

/** Key of the Parquet key-value metadata entry with the datastream's UCUM unit. */
export const PARQUET_UNIT_KEY = 'stadtdaten.unit';
/** Key of the metadata entry with the datastream id. */
export const PARQUET_DATASTREAM_KEY = 'stadtdaten.datastream';
/** Key of the metadata entry with the type of the result column. */
export const PARQUET_RESULT_TYPE_KEY = 'stadtdaten.result_type';

const utcMillis = (name: string): SchemaElement => ({
  name,
  type: 'INT64',
  converted_type: 'TIMESTAMP_MILLIS',
  logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
  repetition_type: 'REQUIRED',
});

const text = (name: string, repetition: 'REQUIRED' | 'OPTIONAL' = 'REQUIRED'): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  repetition_type: repetition,
});

function resultElement(type: ResultColumnType): SchemaElement {
  switch (type) {
    case 'number':
      return { name: 'result', type: 'DOUBLE', repetition_type: 'OPTIONAL' };
    case 'boolean':
      return { name: 'result', type: 'BOOLEAN', repetition_type: 'OPTIONAL' };
    case 'string':
      return text('result', 'OPTIONAL');
    default:
      return { name: 'result', type: 'BYTE_ARRAY', converted_type: 'JSON', repetition_type: 'OPTIONAL' };
  }
}

/**
 * Columns of an observation Parquet file, in order. Times are UTC milliseconds. `result` is
 * typed from the value schema; a stored value of another type is null there and its JSON
 * text is in `result_json`. `quality_flags` is a JSON array.
 */
export function observationParquetSchema(type: ResultColumnType): SchemaElement[] {
  const columns = [
    text('id'),
    text('datastream_id'),
    utcMillis('phenomenon_time'),
    utcMillis('result_time'),
    utcMillis('received_at'),
    resultElement(type),
    text('result_json', 'OPTIONAL'),
    text('unit'),
    { name: 'quality_flags', type: 'BYTE_ARRAY', converted_type: 'JSON', repetition_type: 'REQUIRED' } as SchemaElement,
    text('storage_profile'),
  ];

  return [{ name: 'root', num_children: columns.length }, ...columns];
}

/** A ByteWriter that hands its bytes to a sink after every row group, so that it never holds more than one. */
class SinkByteWriter extends ByteWriter {
  constructor(private readonly sink: ChunkSink) {
    super(1 << 20);
  }

  flush(): void | Promise<void> {
    if (this.index === 0) {
      return;
    }
    const chunk = new Uint8Array(this.buffer.slice(0, this.index));
    this.index = 0;

    return this.sink(chunk);
  }

  override finish(): void | Promise<void> {
    return this.flush();
  }
}

/**
 * Writes observations of one datastream as Parquet, one row group per page, to a sink. Only
 * the current page and the file's metadata (a few hundred bytes per row group) stay in memory.
 */
export class ParquetObservationWriter {
  private readonly bytes: SinkByteWriter;
  private readonly parquet: ParquetWriter;
  private rows = 0;

  constructor(
    private readonly info: DatastreamExportInfo,
    sink: ChunkSink,
  ) {
    this.bytes = new SinkByteWriter(sink);
    this.parquet = new ParquetWriter({
      writer: this.bytes,
      schema: observationParquetSchema(info.resultType),
      kvMetadata: [
        { key: PARQUET_DATASTREAM_KEY, value: info.id },
        { key: PARQUET_UNIT_KEY, value: info.unit },
        { key: PARQUET_RESULT_TYPE_KEY, value: info.resultType },
      ],
      createdBy: 'stadtdaten',
    });
  }

  get rowCount(): number {
    return this.rows;
  }

  /** Writes one row group. An empty page writes nothing. */
  async writePage(page: StoredObservation[]): Promise<void> {
    if (page.length === 0) {
      return;
    }
    const results = page.map((row) => splitResult(row.result, this.info.resultType));
    const columnData = [
      { name: 'id', data: page.map((row) => row.id) },
      { name: 'datastream_id', data: page.map((row) => row.datastreamId) },
      { name: 'phenomenon_time', data: page.map((row) => BigInt(row.phenomenonTimeMs)) },
      { name: 'result_time', data: page.map((row) => BigInt(row.resultTimeMs)) },
      { name: 'received_at', data: page.map((row) => BigInt(row.receivedAtMs)) },
      { name: 'result', data: results.map((result) => result.typed) },
      { name: 'result_json', data: results.map((result) => result.json) },
      { name: 'unit', data: page.map(() => this.info.unit) },
      { name: 'quality_flags', data: page.map((row) => row.qualityFlags) },
      { name: 'storage_profile', data: page.map((row) => row.storageProfile) },
    ];
    await this.parquet.write({ columnData, rowGroupSize: page.length });
    this.rows += page.length;
  }

  /** Writes the footer and hands the last bytes to the sink. */
  async finish(): Promise<void> {
    await this.parquet.finish();
  }
}
