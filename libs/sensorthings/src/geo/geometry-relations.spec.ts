import {
  geometryContains,
  geometryCrosses,
  geometryDisjoint,
  geometryDistance,
  geometryEquals,
  geometryIntersects,
  geometryLength,
  geometryOverlaps,
  geometryTouches,
  geometryWithin,
} from './geometry-relations';
import { parseWkt } from './wkt.parser';

const RELATIONS = {
  intersects: geometryIntersects,
  disjoint: geometryDisjoint,
  within: geometryWithin,
  contains: geometryContains,
  equals: geometryEquals,
  touches: geometryTouches,
  overlaps: geometryOverlaps,
  crosses: geometryCrosses,
};

const SQUARE = 'POLYGON((0 0, 4 0, 4 4, 0 4, 0 0))';
const INNER_SQUARE = 'POLYGON((1 1, 2 1, 2 2, 1 2, 1 1))';
const NEIGHBOUR = 'POLYGON((4 0, 8 0, 8 4, 4 4, 4 0))';
const SHIFTED = 'POLYGON((2 2, 6 2, 6 6, 2 6, 2 2))';
const SQUARE_WITH_HOLE = 'POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 3 1, 3 3, 1 3, 1 1))';

describe('geometry relations', () => {
  it.each([
    ['intersects', 'POINT(1 1)', SQUARE, true],
    ['intersects', 'POINT(4 2)', SQUARE, true],
    ['intersects', 'POINT(5 5)', SQUARE, false],
    ['intersects', 'POINT(2 2)', SQUARE_WITH_HOLE, false],
    ['intersects', 'LINESTRING(-1 2, 5 2)', SQUARE, true],
    ['intersects', 'LINESTRING(5 5, 6 6)', SQUARE, false],
    ['intersects', INNER_SQUARE, SQUARE, true],
    ['intersects', SQUARE, INNER_SQUARE, true],
    ['intersects', NEIGHBOUR, SQUARE, true],
    ['disjoint', 'POINT(5 5)', SQUARE, true],
    ['disjoint', 'POINT(1 1)', SQUARE, false],
    ['within', 'POINT(1 1)', SQUARE, true],
    ['within', 'POINT(4 2)', SQUARE, false],
    ['within', 'POINT(2 2)', SQUARE_WITH_HOLE, false],
    ['within', INNER_SQUARE, SQUARE, true],
    ['within', INNER_SQUARE, SQUARE_WITH_HOLE, false],
    ['within', SQUARE, INNER_SQUARE, false],
    ['within', SHIFTED, SQUARE, false],
    ['within', 'LINESTRING(1 1, 3 3)', SQUARE, true],
    ['within', 'LINESTRING(1 1, 5 5)', SQUARE, false],
    ['within', 'POINT(1 1)', 'POINT(1 1)', true],
    ['within', 'POINT(1 2)', 'LINESTRING(0 0, 2 4)', true],
    ['contains', SQUARE, 'POINT(1 1)', true],
    ['contains', SQUARE, SHIFTED, false],
    ['equals', SQUARE, 'POLYGON((4 4, 0 4, 0 0, 4 0, 4 4))', true],
    ['equals', SQUARE, INNER_SQUARE, false],
    ['equals', 'POINT(1 2)', 'POINT(1 2)', true],
    ['touches', NEIGHBOUR, SQUARE, true],
    ['touches', 'POINT(4 2)', SQUARE, true],
    ['touches', 'POINT(1 1)', SQUARE, false],
    ['touches', SHIFTED, SQUARE, false],
    ['touches', 'LINESTRING(4 2, 6 2)', SQUARE, true],
    ['touches', 'POINT(1 1)', 'POINT(1 1)', false],
    ['overlaps', SHIFTED, SQUARE, true],
    ['overlaps', INNER_SQUARE, SQUARE, false],
    ['overlaps', NEIGHBOUR, SQUARE, false],
    ['overlaps', 'POINT(1 1)', SQUARE, false],
    ['crosses', 'LINESTRING(0 0, 2 2)', 'LINESTRING(0 2, 2 0)', true],
    ['crosses', 'LINESTRING(0 0, 2 2)', 'LINESTRING(3 3, 4 4)', false],
    ['crosses', 'LINESTRING(-1 2, 5 2)', SQUARE, true],
    ['crosses', SQUARE, 'LINESTRING(-1 2, 2 2)', true],
    ['crosses', 'LINESTRING(1 1, 3 3)', SQUARE, false],
  ])('%s(%s, %s) is %s', (relation, a, b, expected) => {
    expect(RELATIONS[relation as keyof typeof RELATIONS](parseWkt(a), parseWkt(b))).toBe(expected);
  });

  it.each([
    ['POINT(0 0)', 'POINT(3 4)', 5],
    ['POINT(5 2)', SQUARE, 1],
    ['POINT(2 2)', SQUARE, 0],
    ['LINESTRING(6 0, 6 4)', SQUARE, 2],
    [NEIGHBOUR, SQUARE, 0],
  ])('distance(%s, %s) is %d', (a, b, expected) => {
    expect(geometryDistance(parseWkt(a), parseWkt(b))).toBeCloseTo(expected, 12);
  });

  it.each([
    ['LINESTRING(0 0, 3 4, 3 5)', 6],
    ['MULTILINESTRING((0 0, 1 0), (0 0, 0 2))', 3],
    ['POINT(1 1)', 0],
    [SQUARE, 0],
  ])('length(%s) is %d', (wkt, expected) => {
    expect(geometryLength(parseWkt(wkt))).toBeCloseTo(expected, 12);
  });
});
