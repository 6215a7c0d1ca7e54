import { WktSyntaxError, parseWkt } from './wkt.parser';

describe('parseWkt', () => {
  it.each([
    ['POINT(8.65 49.87)', { type: 'Point', coordinates: [8.65, 49.87] }],
    ['point (8.65 49.87)', { type: 'Point', coordinates: [8.65, 49.87] }],
    ['POINT Z (8.65 49.87 140)', { type: 'Point', coordinates: [8.65, 49.87] }],
    ['SRID=4326;POINT(1 2)', { type: 'Point', coordinates: [1, 2] }],
    [
      'LINESTRING (30 10, 10 30, 40 40)',
      {
        type: 'LineString',
        coordinates: [
          [30, 10],
          [10, 30],
          [40, 40],
        ],
      },
    ],
    [
      'POLYGON ((30 10, 10 20, 20 40, 40 40, 30 10))',
      {
        type: 'Polygon',
        coordinates: [
          [
            [30, 10],
            [10, 20],
            [20, 40],
            [40, 40],
            [30, 10],
          ],
        ],
      },
    ],
    [
      'MULTIPOINT (10 40, 40 30)',
      {
        type: 'MultiPoint',
        coordinates: [
          [10, 40],
          [40, 30],
        ],
      },
    ],
    [
      'MULTIPOINT ((10 40), (40 30))',
      {
        type: 'MultiPoint',
        coordinates: [
          [10, 40],
          [40, 30],
        ],
      },
    ],
    [
      'MULTILINESTRING ((10 10, 20 20), (40 40, 30 30))',
      {
        type: 'MultiLineString',
        coordinates: [
          [
            [10, 10],
            [20, 20],
          ],
          [
            [40, 40],
            [30, 30],
          ],
        ],
      },
    ],
    [
      'MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))',
      {
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 0],
            ],
          ],
          [
            [
              [5, 5],
              [6, 5],
              [6, 6],
              [5, 5],
            ],
          ],
        ],
      },
    ],
    [
      'GEOMETRYCOLLECTION (POINT (1 2), LINESTRING (0 0, 1 1))',
      {
        type: 'GeometryCollection',
        geometries: [
          { type: 'Point', coordinates: [1, 2] },
          {
            type: 'LineString',
            coordinates: [
              [0, 0],
              [1, 1],
            ],
          },
        ],
      },
    ],
  ])('parses %s', (text, expected) => {
    expect(parseWkt(text)).toEqual(expected);
  });

  it.each([
    ['CIRCLE(1 2)', 0, 'unknown geometry type'],
    ['POINT(1)', 7, 'longitude and latitude'],
    ['POINT(49.87 200)', 15, 'outside WGS 84'],
    ['POINT 1 2', 6, 'expected "("'],
    ['POINT(1 2', 9, 'expected ")"'],
    ['POINT(1 2) x', 11, 'after the geometry'],
    ['POLYGON((0 0, 1 0, 1 1))', 24, 'must end where it starts'],
    ['SRID=25832;POINT(1 2)', 0, 'SRID 25832'],
  ])('rejects %s at offset %i', (text, offset, message) => {
    const error = (() => {
      try {
        parseWkt(text);
      } catch (caught) {
        return caught as WktSyntaxError;
      }
      throw new Error('no error');
    })();

    expect(error).toBeInstanceOf(WktSyntaxError);
    expect(error.offset).toBe(offset);
    expect(error.message).toContain(message);
  });
});
