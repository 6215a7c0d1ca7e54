import { parseCreateObservations, toDataArray } from './data-array';
import { QueryOptionError } from './query-option.errors';

describe('toDataArray', () => {
  it('groups rows per datastream in order', () => {
    const observations = [
      { '@iot.id': 'a.x@1', phenomenonTime: 'T1', result: 1, ds: 'a.x' },
      { '@iot.id': 'b.y@1', phenomenonTime: 'T1', result: 'on', ds: 'b.y' },
      { '@iot.id': 'a.x@2', phenomenonTime: 'T2', result: 2, ds: 'a.x' },
    ];

    const groups = toDataArray(
      observations,
      ['id', 'phenomenonTime', 'result', 'resultQuality'],
      (o) => `link/${o.ds}`,
    );

    expect(groups).toEqual([
      {
        'Datastream@iot.navigationLink': 'link/a.x',
        components: ['id', 'phenomenonTime', 'result', 'resultQuality'],
        'dataArray@iot.count': 2,
        dataArray: [
          ['a.x@1', 'T1', 1, null],
          ['a.x@2', 'T2', 2, null],
        ],
      },
      {
        'Datastream@iot.navigationLink': 'link/b.y',
        components: ['id', 'phenomenonTime', 'result', 'resultQuality'],
        'dataArray@iot.count': 1,
        dataArray: [['b.y@1', 'T1', 'on', null]],
      },
    ]);
  });
});

describe('parseCreateObservations', () => {
  it('reads rows by their components', () => {
    const entries = parseCreateObservations([
      {
        Datastream: { '@iot.id': 'a.x' },
        components: ['phenomenonTime', 'result', 'FeatureOfInterest/id'],
        dataArray: [
          ['2024-01-01T00:00:00Z', 1.5, 'f1'],
          ['2024-01-01T00:01:00Z', 2, 'f1'],
        ],
      },
    ]);

    expect(entries).toEqual([
      {
        datastreamId: 'a.x',
        observations: [
          { phenomenonTime: '2024-01-01T00:00:00Z', result: 1.5, featureOfInterestId: 'f1' },
          { phenomenonTime: '2024-01-01T00:01:00Z', result: 2, featureOfInterestId: 'f1' },
        ],
      },
    ]);
  });

  it.each([
    [{}, 'non-empty JSON array'],
    [[], 'non-empty JSON array'],
    [[null], 'entry 0 is not an object'],
    [[{ components: ['result'], dataArray: [[1]] }], 'entry 0 needs "Datastream"'],
    [
      [{ Datastream: { '@iot.id': 'a' }, components: ['result', 'colour'], dataArray: [[1, 2]] }],
      '"components" must list names',
    ],
    [
      [{ Datastream: { '@iot.id': 'a' }, components: ['phenomenonTime'], dataArray: [['t']] }],
      'include "result"',
    ],
    [
      [{ Datastream: { '@iot.id': 'a' }, components: ['result'], dataArray: [] }],
      '"dataArray" must be a non-empty array',
    ],
    [
      [
        {
          Datastream: { '@iot.id': 'a' },
          components: ['phenomenonTime', 'result'],
          dataArray: [['t', 1], ['t']],
        },
      ],
      'row 1: expected an array of 2 values',
    ],
  ])('rejects %j', (body, message) => {
    expect(() => parseCreateObservations(body)).toThrow(QueryOptionError);
    expect(() => parseCreateObservations(body)).toThrow(message);
  });
});
