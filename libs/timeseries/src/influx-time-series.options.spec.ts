import { ErrorCode } from '@stadtdaten/contracts';
import { pino } from 'pino';

import { type InfluxTimeSeriesStoreOptions, resolveInfluxOptions } from './influx-time-series.options';

const logger = pino({ level: 'silent' });

function makeOptions(overrides: Partial<InfluxTimeSeriesStoreOptions> = {}): InfluxTimeSeriesStoreOptions {
  return { url: 'http://127.0.0.1:8086', databaseLayout: 'per-tenant-profile', logger, ...overrides };
}

describe('resolveInfluxOptions', () => {
  it('fills in defaults', () => {
    expect(resolveInfluxOptions(makeOptions())).toMatchObject({
      databasePrefix: 'stadtdaten',
      writeBatchSize: 5_000,
      createDatabases: true,
    });
  });

  it.each<[string, Partial<InfluxTimeSeriesStoreOptions>, string]>([
    ['url', { url: 'not a url' }, 'invalid InfluxDB url "not a url"'],
    ['protocol', { url: 'ftp://127.0.0.1' }, 'invalid InfluxDB url protocol ftp:'],
    ['layout', { databaseLayout: 'per-tenant' as never }, `invalid databaseLayout "per-tenant"`],
    ['prefix', { databasePrefix: 'Stadt-Daten' }, 'invalid databasePrefix "Stadt-Daten"'],
    [
      'single without database',
      { databaseLayout: 'single' },
      'invalid database undefined for the single layout',
    ],
    ['batch size', { writeBatchSize: 0 }, 'invalid writeBatchSize 0'],
    ['timeout', { requestTimeoutMs: 1.5 }, 'invalid requestTimeoutMs 1.5'],
    ['ca with http', { ca: 'PEM' }, 'is not https, so the ca option has no effect'],
  ])('rejects an invalid %s', (_name, overrides, message) => {
    expect(() => resolveInfluxOptions(makeOptions(overrides))).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_CONFIG, message: expect.stringContaining(message) }),
    );
  });
});
