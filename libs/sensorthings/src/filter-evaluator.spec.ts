import { evaluateFilter, matchesFilter } from './filter-evaluator';
import { parseFilter } from './filter-parser';
import { DateTimeValue, DateValue, DurationValue, TimeValue } from './filter-values';

const NOW_MS = Date.parse('2024-03-29T00:00:00Z');
const context = { nowMs: NOW_MS };

const luisenplatz = { type: 'Point', coordinates: [8.6512, 49.8728] };

function makeThing(overrides: Record<string, unknown> = {}) {
  return {
    '@iot.id': 'luisenplatz',
    name: 'Luisenplatz',
    description: '  Square in the centre  ',
    properties: { district: 'Mitte', floors: 3, tags: ['air', 'noise'] },
    Locations: [{ '@iot.id': 'luisenplatz', location: luisenplatz }],
    Datastreams: [
      {
        '@iot.id': 'thermo-1.temperature',
        name: 'Air temperature',
        properties: { classification: 'public' },
      },
      { '@iot.id': 'thermo-1.humidity', name: 'Humidity', properties: { classification: 'internal' } },
    ],
    ...overrides,
  };
}

function makeObservation(overrides: Record<string, unknown> = {}) {
  return {
    '@iot.id': 'thermo-1.temperature@1711621800000',
    phenomenonTime: '2024-03-28T10:30:00.000Z',
    resultTime: '2024-03-28T10:30:00.000Z',
    result: 12.5,
    parameters: { quality: 'good' },
    Datastream: { '@iot.id': 'thermo-1.temperature', name: 'Air temperature', Thing: makeThing() },
    FeatureOfInterest: { '@iot.id': 'luisenplatz', feature: luisenplatz },
    ...overrides,
  };
}

describe('matchesFilter', () => {
  describe('on an observation', () => {
    it.each([
      ['result eq 12.5', true],
      ['result ne 12.5', false],
      ['result gt 12', true],
      ['result ge 12.5', true],
      ['result lt 12.5', false],
      ['result le 12.5', true],
      ['result add 0.5 eq 13', true],
      ['result sub 2.5 eq 10', true],
      ['result mul 2 eq 25', true],
      ['result div 5 eq 2.5', true],
      ['result mod 5 eq 2.5', true],
      ['result div 0 eq 1', false],
      ['-result eq -12.5', true],
      ['(result sub 5) gt 10', false],
      ['result gt 10 and result lt 20', true],
      ['result gt 20 or result lt 13', true],
      ['not (result gt 20)', true],
      ['not result gt 10', false],
      ["result eq '12.5'", false],
      ['resultQuality eq null', true],
      ['resultQuality gt 1', false],
      ["parameters/quality eq 'good'", true],
      ["parameters/missing eq 'x'", false],
      ["Datastream/Thing/name eq 'Luisenplatz'", true],
      ["Datastream/id eq 'thermo-1.temperature'", true],
      ["Datastream/@iot.id eq 'thermo-1.humidity'", false],
      ["Datastream/Thing/properties/district eq 'Mitte'", true],
      ['phenomenonTime eq 2024-03-28T10:30:00Z', true],
      ['phenomenonTime eq 2024-03-28T11:30:00+01:00', true],
      ['phenomenonTime gt 2024-03-28T10:00:00Z', true],
      ['phenomenonTime lt 2024-03-28T10:00:00Z', false],
      ["phenomenonTime ge now() sub duration'P1D'", true],
      ["phenomenonTime ge now() sub duration'PT12H'", false],
      ["now() sub phenomenonTime gt duration'PT13H'", true],
      ['year(phenomenonTime) eq 2024', true],
      ['month(phenomenonTime) eq 3', true],
      ['day(phenomenonTime) eq 28', true],
      ['hour(phenomenonTime) eq 10', true],
      ['minute(phenomenonTime) eq 30', true],
      ['second(phenomenonTime) eq 0', true],
      ['fractionalseconds(phenomenonTime) eq 0', true],
      ['date(phenomenonTime) eq 2024-03-28', true],
      ['time(phenomenonTime) eq 10:30:00', true],
      ['time(phenomenonTime) lt 12:00', true],
      ['totaloffsetminutes(phenomenonTime) eq 0', true],
      ['hour(2024-03-28T23:30:00+02:00) eq 23', true],
      ['totaloffsetminutes(2024-03-28T23:30:00+02:00) eq 120', true],
      ['phenomenonTime gt mindatetime() and phenomenonTime lt maxdatetime()', true],
      ['round(result) eq 13', true],
      ['round(-2.5) eq -3', true],
      ['floor(result) eq 12', true],
      ['ceiling(result) eq 13', true],
      ["geo.distance(FeatureOfInterest/feature, geography'POINT(8.6512 49.8728)') eq 0", true],
      ["geo.distance(FeatureOfInterest/feature, geography'POINT(8.6612 49.8728)') lt 0.0101", true],
      ["geo.distance(FeatureOfInterest/feature, geography'POINT(8.6612 49.8728)') lt 0.0099", false],
      [
        "geo.intersects(FeatureOfInterest/feature, geography'POLYGON((8.6 49.8, 8.7 49.8, 8.7 49.9, 8.6 49.9, 8.6 49.8))')",
        true,
      ],
      [
        "st_within(FeatureOfInterest/feature, geography'POLYGON((8.6 49.8, 8.7 49.8, 8.7 49.9, 8.6 49.9, 8.6 49.8))')",
        true,
      ],
      ["st_disjoint(FeatureOfInterest/feature, geography'POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))')", true],
    ])('%s → %s', (text, expected) => {
      expect(matchesFilter(parseFilter(text), makeObservation(), context)).toBe(expected);
    });
  });

  describe('on a thing', () => {
    it.each([
      ["substringof('isen', name)", true],
      ["substringof('Isen', name)", false],
      ["contains(name, 'isen')", true],
      ["startswith(name, 'Luisen')", true],
      ["endswith(name, 'platz')", true],
      ["endswith(name, 'Platz')", false],
      ['length(name) eq 11', true],
      ["indexof(name, 'platz') eq 6", true],
      ["indexof(name, 'x') eq -1", true],
      ["substring(name, 6) eq 'platz'", true],
      ["substring(name, 1, 3) eq 'uis'", true],
      ["tolower(name) eq 'luisenplatz'", true],
      ["toupper(name) eq 'LUISENPLATZ'", true],
      ["trim(description) eq 'Square in the centre'", true],
      ["concat(concat(name, ' '), properties/district) eq 'Luisenplatz Mitte'", true],
      ['properties/floors ge 3', true],
      ["properties/tags eq 'air'", false],
      ["Datastreams/name eq 'Humidity'", true],
      ["Datastreams/name eq 'Pressure'", false],
      ["Datastreams/properties/classification eq 'internal'", true],
      ["startswith(Datastreams/name, 'Hum')", true],
      ["not startswith(Datastreams/name, 'Pre')", true],
      ["st_equals(Locations/location, geography'POINT(8.6512 49.8728)')", true],
      ["id eq 'luisenplatz'", true],
    ])('%s → %s', (text, expected) => {
      expect(matchesFilter(parseFilter(text), makeThing(), context)).toBe(expected);
    });
  });

  it('reads a missing related entity as null', () => {
    const orphan = makeObservation({ Datastream: undefined });

    expect(matchesFilter(parseFilter('Datastream/name eq null'), orphan, context)).toBe(true);
  });

  it('compares interval times by their ends', () => {
    const datastream = { phenomenonTime: '2020-08-11T12:00:00.000Z/2022-03-03T14:15:00.000Z' };

    expect(matchesFilter(parseFilter('phenomenonTime lt 2023-01-01T00:00:00Z'), datastream, context)).toBe(
      true,
    );
    expect(matchesFilter(parseFilter('phenomenonTime gt 2020-01-01T00:00:00Z'), datastream, context)).toBe(
      true,
    );
    expect(matchesFilter(parseFilter('phenomenonTime gt 2021-01-01T00:00:00Z'), datastream, context)).toBe(
      false,
    );
    expect(matchesFilter(parseFilter('year(phenomenonTime) eq 2020'), datastream, context)).toBe(true);
  });
});

describe('evaluateFilter', () => {
  it.each([
    ['now()', new DateTimeValue(NOW_MS)],
    ["duration'PT1H30M'", new DurationValue(5_400_000)],
    ['date(2024-03-28T23:30:00-02:00)', new DateValue('2024-03-28')],
    ['time(2024-03-28T23:30:00.25Z)', new TimeValue('23:30:00.250')],
    ["geo.length(geography'LINESTRING(0 0, 3 4)')", 5],
    ['2024-03-28T12:00:00Z sub 2024-03-28T10:00:00Z', new DurationValue(7_200_000)],
  ])('%s', (text, expected) => {
    const node = parseFilter(`${text} eq null`);
    const value = node.kind === 'binary' ? evaluateFilter(node.left, {}, context) : undefined;

    expect(value).toEqual(expected);
  });
});
