import type { FilterNode } from './filter-ast';
import { parseFilter, parseOrderBy } from './filter-parser';
import { DateTimeValue, DateValue, DurationValue, GeometryValue, TimeValue } from './filter-values';
import { QueryOptionError } from './query-option.errors';

/** Writes an expression as an s-expression, so that a table can state the expected tree. */
function show(node: FilterNode): string {
  switch (node.kind) {
    case 'literal':
      return showValue(node.value);
    case 'path':
      return node.segments.join('/');
    case 'not':
      return `(not ${show(node.operand)})`;
    case 'negate':
      return `(- ${show(node.operand)})`;
    case 'binary':
      return `(${node.operator} ${show(node.left)} ${show(node.right)})`;
    case 'call':
      return `(${node.name}${node.args.map((arg) => ` ${show(arg)}`).join('')})`;
  }
}

function showValue(value: unknown): string {
  if (value instanceof DateTimeValue) return `dt:${value.toString()}`;
  if (value instanceof DateValue) return `date:${value.text}`;
  if (value instanceof TimeValue) return `time:${value.text}`;
  if (value instanceof DurationValue) return `dur:${value.ms}`;
  if (value instanceof GeometryValue) return `geo:${value.geometry.type}`;

  return JSON.stringify(value);
}

function errorOf(text: string): QueryOptionError {
  try {
    parseFilter(text);
  } catch (error) {
    if (error instanceof QueryOptionError) return error;
    throw error;
  }
  throw new Error(`"${text}" parsed without an error`);
}

describe('parseFilter', () => {
  it.each([
    ["name eq 'Luisenplatz'", '(eq name "Luisenplatz")'],
    ["name eq 'it''s'", '(eq name "it\'s")'],
    ['result gt 5', '(gt result 5)'],
    ['result ge -2.5e1', '(ge result -25)'],
    ['result lt 5 and result gt 1', '(and (lt result 5) (gt result 1))'],
    ['a eq 1 or b eq 2 and c eq 3', '(or (eq a 1) (and (eq b 2) (eq c 3)))'],
    ['(a eq 1 or b eq 2) and c eq 3', '(and (or (eq a 1) (eq b 2)) (eq c 3))'],
    ["not startswith(description,'test')", '(not (startswith description "test"))'],
    ["not name eq 'x'", '(not (eq name "x"))'],
    ['(result sub 5) gt 10', '(gt (sub result 5) 10)'],
    ['result add 2 mul 3 eq 11', '(eq (add result (mul 2 3)) 11)'],
    ['result div 2 mod 3 eq 1', '(eq (mod (div result 2) 3) 1)'],
    ['-result lt 0', '(lt (- result) 0)'],
    ['result gt 3 eq true', '(eq (gt result 3) true)'],
    ['Datastream/Thing/name eq null', '(eq Datastream/Thing/name null)'],
    ["properties/owner eq 'city'", '(eq properties/owner "city")'],
    ["@iot.id eq 'x'", '(eq @iot.id "x")'],
    ['phenomenonTime ge 2023-03-28T10:30:00.000Z', '(ge phenomenonTime dt:2023-03-28T10:30:00.000Z)'],
    ['phenomenonTime lt 2023-03-28T12:00:00+02:00', '(lt phenomenonTime dt:2023-03-28T12:00:00.000+02:00)'],
    ['phenomenonTime lt 2023-03-28T12:00:00 02:00', '(lt phenomenonTime dt:2023-03-28T12:00:00.000+02:00)'],
    ['date(phenomenonTime) eq 2023-03-28', '(eq (date phenomenonTime) date:2023-03-28)'],
    ['time(phenomenonTime) lt 12:30:00', '(lt (time phenomenonTime) time:12:30:00)'],
    ["phenomenonTime gt now() sub duration'P1D'", '(gt phenomenonTime (sub (now) dur:86400000))'],
    ['year(phenomenonTime) eq 2023', '(eq (year phenomenonTime) 2023)'],
    ["substring(name,1,2) eq 'ui'", '(eq (substring name 1 2) "ui")'],
    [
      "geo.distance(location, geography'POINT(8.65 49.87)') lt 0.01",
      '(lt (geo.distance location geo:Point) 0.01)',
    ],
    [
      "st_within(location, geography'POLYGON((8 49, 9 49, 9 50, 8 50, 8 49))')",
      '(st_within location geo:Polygon)',
    ],
    ['true', 'true'],
    ['isActive', 'isActive'],
  ])('parses %s', (text, expected) => {
    expect(show(parseFilter(text))).toBe(expected);
  });

  it.each([
    ["name eq 'x' xyz", 13, 'unexpected "xyz"'],
    ['name eq', 8, 'ends too early'],
    ["name eq 'open", 9, 'without a closing quote'],
    ['name eq "x"', 9, 'single quotes'],
    ['result gt 1 gt 2', 13, 'second comparison'],
    ['frobnicate(name) eq 1', 1, 'unknown function "frobnicate"'],
    ["startswith(name) eq 'x'", 1, 'takes 2 arguments, not 1'],
    ["st_relate(location, geography'POINT(1 2)', 'T*****FF*')", 1, 'not supported'],
    ['phenomenonTime gt 2023-01-01T00:00:00', 19, 'without a time zone'],
    ["location eq geography'POINT(1)'", 30, 'invalid WKT'],
    ["location eq geography'CIRCLE(1 2)'", 23, 'unknown geometry type'],
    ["phenomenonTime gt now() sub duration'P1Y'", 29, 'invalid duration'],
    ['result add 1', 1, 'expected a condition'],
    ["(name eq 'x'", 13, 'expected ")"'],
    ['name eq eq', 9, 'operator "eq"'],
    ['name eq #', 9, 'unexpected character'],
  ])('rejects %s at position %i', (text, position, message) => {
    const error = errorOf(text);

    expect(error.position).toBe(position);
    expect(error.message).toContain(message);
    expect(error.message).toContain(`$filter = "${text}"`);
  });
});

describe('parseOrderBy', () => {
  it.each([
    ['phenomenonTime desc', ['phenomenonTime desc']],
    ['name,id desc', ['name asc', 'id desc']],
    ['Datastream/name asc, result', ['Datastream/name asc', 'result asc']],
    ["geo.distance(location, geography'POINT(8 49)') asc", ['(geo.distance location geo:Point) asc']],
  ])('parses %s', (text, expected) => {
    expect(parseOrderBy(text).map((item) => `${show(item.expression)} ${item.direction}`)).toEqual(expected);
  });

  it('rejects a missing comma', () => {
    expect(() => parseOrderBy('name desc id')).toThrow('position 11 ("id")');
  });
});
