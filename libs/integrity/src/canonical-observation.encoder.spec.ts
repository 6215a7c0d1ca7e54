import { createObservation } from '@stadtdaten/contracts';
import { makeObservation } from '../test/fixtures';
import {
  type CanonicalObservation,
  type CanonicalResult,
  encodeCanonicalObservation,
  hashCanonicalObservation,
  toCanonicalObservation,
} from './canonical-observation.encoder';
import { hashLeaf } from './merkle-tree';

// Test vector of schema version 1. The expected bytes were built field by field with Python's struct module.
const VECTOR_FIELDS: CanonicalObservation = {
  schemaVersion: 1,
  tenant: 'darmstadt',
  datastreamId: 'ds-1',
  thingId: 'thing-1',
  deviceId: 'dev-1',
  observedProperty: 'air_temperature',
  unit: 'Cel',
  phenomenonTimeMs: 1_733_310_000_000,
  resultTimeMs: 1_733_310_000_250,
  result: { type: 'number', value: 21.5 },
};
const VECTOR_HEX = [
  '00000016' + '7374616474646174656e2e6f62736572766174696f6e', // "stadtdaten.observation"
  '00000001', // schema version
  '00000009' + '6461726d7374616474', // tenant "darmstadt"
  '00000004' + '64732d31', // datastream "ds-1"
  '00000007' + '7468696e672d31', // thing "thing-1"
  '00000005' + '6465762d31', // device "dev-1"
  '0000000f' + '6169725f74656d7065726174757265', // observed property "air_temperature"
  '00000003' + '43656c', // unit "Cel"
  '427939153ab80000', // phenomenon time 1733310000000 as float64
  '427939153ac7a000', // result time 1733310000250 as float64
  '01' + '4035800000000000', // result tag number, 21.5 as float64
].join('');
const VECTOR_LEAF_HASH = '693356af4fdae795a7b20132926292b3df0c899b949e9cfca638d619bea4f90a';

function encodeWith(overrides: Partial<CanonicalObservation>): string {
  return encodeCanonicalObservation({ ...VECTOR_FIELDS, ...overrides }).toString('hex');
}

function encodeResult(result: CanonicalResult): string {
  return encodeWith({ result });
}

describe('encodeCanonicalObservation', () => {
  it('matches the schema 1 test vector', () => {
    expect(encodeCanonicalObservation(VECTOR_FIELDS).toString('hex')).toBe(VECTOR_HEX);
  });

  it('matches the test vector leaf hash', () => {
    expect(hashLeaf(encodeCanonicalObservation(VECTOR_FIELDS)).toString('hex')).toBe(VECTOR_LEAF_HASH);
  });

  it('returns bytes that later encodings leave unchanged', () => {
    const first = encodeCanonicalObservation(VECTOR_FIELDS);
    encodeWith({ tenant: 'another-tenant-with-a-longer-name', result: { type: 'text', value: 'x'.repeat(600) } });

    expect(first.toString('hex')).toBe(VECTOR_HEX);
  });

  it('encodes a text longer than the initial buffer', () => {
    const value = 'Ü'.repeat(400);

    expect(encodeResult({ type: 'text', value }).endsWith('02' + '00000320' + Buffer.from(value).toString('hex'))).toBe(true);
  });

  it('encodes a json result as RFC 8785 text', () => {
    const encoded = encodeResult({ type: 'json', value: { b: [1, 2], a: 'x' } });

    // Tag 4, then uint32 length 19 and the UTF-8 bytes of {"a":"x","b":[1,2]}.
    expect(encoded.endsWith('04' + '00000013' + Buffer.from('{"a":"x","b":[1,2]}').toString('hex'))).toBe(
      true,
    );
  });

  it('encodes text and boolean results with their tags', () => {
    expect(encodeResult({ type: 'text', value: 'ok' }).endsWith('02' + '00000002' + '6f6b')).toBe(true);
    expect(encodeResult({ type: 'boolean', value: true }).endsWith('03' + '01')).toBe(true);
  });

  it('separates 1, "1", true and json 1', () => {
    const encodings = new Set([
      encodeResult({ type: 'number', value: 1 }),
      encodeResult({ type: 'text', value: '1' }),
      encodeResult({ type: 'boolean', value: true }),
      encodeResult({ type: 'json', value: 1 }),
    ]);

    expect(encodings.size).toBe(4);
  });

  it('ignores json member order', () => {
    expect(encodeResult({ type: 'json', value: { a: 1, b: 2 } })).toBe(
      encodeResult({ type: 'json', value: { b: 2, a: 1 } }),
    );
  });

  it('writes -0 as 0', () => {
    expect(encodeResult({ type: 'number', value: -0 })).toBe(encodeResult({ type: 'number', value: 0 }));
  });

  it.each<[string, Partial<CanonicalObservation>]>([
    ['tenant', { tenant: 'heag' }],
    ['datastream', { datastreamId: 'ds-2' }],
    ['thing', { thingId: 'thing-2' }],
    ['device', { deviceId: 'dev-2' }],
    ['observed property', { observedProperty: 'relative_humidity' }],
    ['unit', { unit: 'K' }],
    ['phenomenon time', { phenomenonTimeMs: 1_733_310_000_001 }],
    ['result time', { resultTimeMs: 1_733_310_000_251 }],
    ['value', { result: { type: 'number', value: 21.6 } }],
  ])('changes when the %s changes', (_, overrides) => {
    expect(encodeWith(overrides)).not.toBe(VECTOR_HEX);
  });

  it('keeps field boundaries apart', () => {
    // Without length prefixes both would concatenate to "thing-1dev-1".
    expect(encodeWith({ thingId: 'thing-1d', deviceId: 'ev-1' })).not.toBe(VECTOR_HEX);
  });

  it.each<[string, Partial<CanonicalObservation>, string]>([
    ['an empty tenant', { tenant: '' }, 'tenant is empty'],
    ['a lone surrogate', { unit: '\udc00' }, 'unit must be a string without lone UTF-16 surrogates'],
    ['a non-finite time', { phenomenonTimeMs: Number.NaN }, 'phenomenonTimeMs must be a finite number'],
    [
      'an infinite value',
      { result: { type: 'number', value: Infinity } },
      'result of type number has an invalid value Infinity',
    ],
    [
      'an unknown result type',
      { result: { type: 'toString', value: 1 } as never },
      'result must be an object with type',
    ],
    [
      'a mistyped value',
      { result: { type: 'boolean', value: 'yes' } as never },
      'result of type boolean has an invalid value "yes"',
    ],
    [
      'an invalid json value',
      { result: { type: 'json', value: { n: Number.NaN } } },
      'json result is not a JSON value: $.n is NaN',
    ],
    ['schema version 2', { schemaVersion: 2 }, 'schema version 2 is not supported'],
  ])('rejects %s', (_, overrides, message) => {
    expect(() => encodeWith(overrides)).toThrow(message);
  });
});

describe('hashCanonicalObservation', () => {
  it('matches the test vector leaf hash', () => {
    expect(hashCanonicalObservation(VECTOR_FIELDS).toString('hex')).toBe(VECTOR_LEAF_HASH);
  });

  it.each<[string, CanonicalResult]>([
    ['text', { type: 'text', value: 'geöffnet' }],
    ['boolean', { type: 'boolean', value: false }],
    ['json', { type: 'json', value: { z: 1, a: [true, null] } }],
  ])('equals hashLeaf of the encoding (%s)', (_, result) => {
    const fields = { ...VECTOR_FIELDS, result };

    expect(hashCanonicalObservation(fields)).toEqual(hashLeaf(encodeCanonicalObservation(fields)));
  });

  it('rejects what the encoding rejects', () => {
    expect(() => hashCanonicalObservation({ ...VECTOR_FIELDS, datastreamId: '' })).toThrow('datastreamId is empty');
  });
});

describe('toCanonicalObservation', () => {
  it('takes the signed fields of an event', () => {
    const observation = makeObservation({ result: { case: 'text', value: 'open' } });

    expect(toCanonicalObservation(observation)).toEqual({
      schemaVersion: 1,
      tenant: observation.tenant,
      datastreamId: observation.datastreamId,
      thingId: observation.thingId,
      deviceId: observation.deviceId,
      observedProperty: observation.observedProperty,
      unit: observation.unit,
      phenomenonTimeMs: observation.phenomenonTimeMs,
      resultTimeMs: observation.resultTimeMs,
      result: { type: 'text', value: 'open' },
    });
  });

  it('parses a json result', () => {
    const observation = makeObservation({ result: { case: 'json', value: '{"free":3,"total":10}' } });

    expect(toCanonicalObservation(observation).result).toEqual({
      type: 'json',
      value: { free: 3, total: 10 },
    });
  });

  it('rejects an event without result', () => {
    const observation = createObservation({ id: 'obs-1', tenant: 'darmstadt', datastreamId: 'ds-1' });

    expect(() => toCanonicalObservation(observation)).toThrow('observation "obs-1" has no result');
  });

  it('rejects a json result that is not JSON', () => {
    const observation = makeObservation({ id: 'obs-2', result: { case: 'json', value: '{free:3}' } });

    expect(() => toCanonicalObservation(observation)).toThrow(
      'observation "obs-2" has a json result that is not valid JSON',
    );
  });
});
