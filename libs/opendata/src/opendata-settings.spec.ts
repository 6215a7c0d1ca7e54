import { loadConfig, maskSecrets } from '@stadtdaten/config';
import { ErrorCode } from '@stadtdaten/contracts';
import { z } from 'zod';
import { DEFAULT_LICENSE, openDataSettings, openDataSettingsFrom, parseInterval } from './opendata-settings';

const schema = z.object(openDataSettings);

describe('openDataSettingsFrom', () => {
  it('uses the city defaults', () => {
    const settings = openDataSettingsFrom(loadConfig(schema, {}));

    expect(settings.license).toBe(DEFAULT_LICENSE);
    expect(settings.publisher).toEqual({ name: 'Wissenschaftsstadt Darmstadt', uri: 'https://www.darmstadt.de', email: undefined });
    expect(settings.ckan).toBeUndefined();
  });

  it('reads a complete CKAN configuration', () => {
    const settings = openDataSettingsFrom(
      loadConfig(schema, {
        STADTDATEN_CKAN_URL: 'https://ckan.example.org/',
        STADTDATEN_CKAN_API_KEY: 'secret-token',
        STADTDATEN_CKAN_ORGANIZATION: 'stadt-darmstadt',
        STADTDATEN_CKAN_INTERVAL: '30m',
        STADTDATEN_OPENDATA_BASE_URL: 'https://daten.example.org/',
      }),
    );

    expect(settings.ckan).toEqual({ url: 'https://ckan.example.org', apiKey: 'secret-token', organization: 'stadt-darmstadt', intervalMs: 1_800_000 });
    expect(settings.baseUrl).toBe('https://daten.example.org');
  });

  it('names every setting a CKAN configuration lacks', () => {
    const config = loadConfig(schema, { STADTDATEN_CKAN_URL: 'https://ckan.example.org' });

    expect(() => openDataSettingsFrom(config)).toThrow(
      expect.objectContaining({
        code: ErrorCode.INVALID_CONFIG,
        message: expect.stringContaining('STADTDATEN_CKAN_API_KEY, STADTDATEN_CKAN_ORGANIZATION, STADTDATEN_OPENDATA_BASE_URL'),
      }),
    );
  });

  it('masks the API key', () => {
    const config = loadConfig(schema, { STADTDATEN_CKAN_API_KEY: 'secret-token' });

    expect(maskSecrets(schema, config).STADTDATEN_CKAN_API_KEY).toBe('***');
  });

  it('rejects an invalid interval', () => {
    expect(() => loadConfig(schema, { STADTDATEN_CKAN_INTERVAL: '5 minutes' })).toThrow(/STADTDATEN_CKAN_INTERVAL/);
  });
});

describe('parseInterval', () => {
  it.each([
    ['45s', 45_000],
    ['30m', 1_800_000],
    ['6h', 21_600_000],
    ['1d', 86_400_000],
  ])('reads %s', (value, expected) => {
    expect(parseInterval(value)).toBe(expected);
  });
});
