import { QueryOptionError } from './query-option.errors';
import type { ExpandItem } from './query-options';
import { parseQueryOptions, validateQueryOptions } from './query-options.parser';

function parse(query: string, extensions: string[] = []) {
  return parseQueryOptions(new URLSearchParams(query), extensions);
}

function showExpand(items: ExpandItem[]): string {
  return items
    .map((item) => {
      const inner = [
        item.options.top === undefined ? '' : `top=${item.options.top}`,
        item.options.skip === 0 ? '' : `skip=${item.options.skip}`,
        item.options.count ? 'count' : '',
        item.options.filter === undefined ? '' : `filter=${item.options.filterText}`,
        item.options.orderBy.length === 0 ? '' : `orderby=${item.options.orderByText}`,
        item.options.select === undefined ? '' : `select=${item.options.select.join('+')}`,
        item.options.expand.length === 0 ? '' : `expand=${showExpand(item.options.expand)}`,
      ].filter((part) => part !== '');

      return inner.length === 0 ? item.navigation : `${item.navigation}[${inner.join(' ')}]`;
    })
    .join(',');
}

describe('parseQueryOptions', () => {
  it('reads the paging options', () => {
    const { options } = parse('$top=5&$skip=10&$count=true');

    expect(options.top).toBe(5);
    expect(options.skip).toBe(10);
    expect(options.count).toBe(true);
  });

  it('leaves $top unset without the option', () => {
    expect(parse('').options.top).toBeUndefined();
  });

  it('decodes a form-encoded filter', () => {
    const { options } = parse('$filter=%28year%28phenomenonTime%29+eq+2023%29');

    expect(options.filterText).toBe('(year(phenomenonTime) eq 2023)');
  });

  it('reads $select names once each', () => {
    expect(parse('$select=id,name, description,name').options.select).toEqual(['id', 'name', 'description']);
  });

  it('reads $resultFormat', () => {
    expect(parse('$resultFormat=dataArray').options.resultFormat).toBe('dataArray');
  });

  it('returns the allowed extensions', () => {
    expect(parse('$aggregate=mean&$interval=PT1H', ['$aggregate', '$interval']).extensions).toEqual({
      $aggregate: 'mean',
      $interval: 'PT1H',
    });
  });

  it('ignores custom options without $', () => {
    expect(parse('foo=bar').options.expand).toEqual([]);
  });

  it.each([
    ['Datastreams', 'Datastreams'],
    ['Datastreams,Locations', 'Datastreams,Locations'],
    ['Datastream/Thing', 'Datastream[expand=Thing]'],
    ['Datastream/Thing,Datastream/Sensor', 'Datastream[expand=Thing,Sensor]'],
    ['Datastreams($top=1;$skip=2;$count=true)', 'Datastreams[top=1 skip=2 count]'],
    [
      "Datastreams($filter=name eq 'a;b' and id ne 'c,d')",
      "Datastreams[filter=name eq 'a;b' and id ne 'c,d']",
    ],
    [
      'Datastreams($select=name,id;$expand=Observations($top=1;$orderby=phenomenonTime desc))',
      'Datastreams[select=name+id expand=Observations[top=1 orderby=phenomenonTime desc]]',
    ],
    ['Datastreams($top=3),Datastreams/Sensor', 'Datastreams[top=3 expand=Sensor]'],
  ])('expands %s', (text, expected) => {
    expect(showExpand(parse(`$expand=${encodeURIComponent(text)}`).options.expand)).toBe(expected);
  });

  it.each([
    ['$top=-1', '$top', 'not a whole number'],
    ['$top=abc', '$top', 'not a whole number'],
    ['$skip=1.5', '$skip', 'not a whole number'],
    ['$count=yes', '$count', 'use true or false'],
    ['$top=1&$top=2', '$top', 'more than once'],
    ['$frobnicate=1', '$frobnicate', 'unknown query option'],
    ['filter=x', 'filter', 'write $filter'],
    ['$resultFormat=csv', '$resultFormat', 'use dataArray'],
    ['$select=name,na-me', '$select', '"na-me" is not a property name'],
    ['$expand=Datastreams($top=x)', '$expand/Datastreams/$top', 'not a whole number'],
    ['$expand=Datastreams($limit=1)', '$expand', '"$limit" is not an option'],
    ['$expand=Datastreams($top=1', '$expand', 'without a matching ")"'],
    ['$expand=Datastreams($filter=name eq)', '$expand/Datastreams/$filter', 'ends too early'],
    ['$expand=Data-streams', '$expand', 'not a navigation path'],
  ])('rejects %s', (query, option, message) => {
    let error: unknown;
    try {
      parse(query);
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(QueryOptionError);
    expect((error as QueryOptionError).option).toBe(option);
    expect((error as QueryOptionError).message).toContain(message);
  });
});

describe('validateQueryOptions', () => {
  it.each([
    ['Things', "$filter=Datastreams/name eq 'x'"],
    ['Things', '$select=id,name,Datastreams'],
    ['Things', '$expand=Datastreams/Observations($filter=result gt 1)'],
    ['Observations', "$filter=Datastream/Thing/properties/anything/deep eq 'x'"],
    ['Observations', '$orderby=phenomenonTime desc'],
  ])('accepts %s?%s', (_set, query) => {
    const type = _set === 'Things' ? 'Thing' : 'Observation';

    expect(() => validateQueryOptions(parse(query).options, type)).not.toThrow();
  });

  it.each([
    ['Thing', "$filter=nam eq 'x'", '$filter', 'unknown property "nam" of Thing'],
    ['Thing', "$filter=name/first eq 'x'", '$filter', 'has no member "first"'],
    ['Thing', "$filter=Datastreams eq 'x'", '$filter', 'ends at the navigation property'],
    ['Observation', '$orderby=Datastream/unit', '$orderby', 'unknown property "unit" of Datastream'],
    ['Thing', '$select=nme', '$select', 'unknown property "nme" of Thing'],
    ['Thing', '$expand=Sensors', '$expand', 'no navigation property "Sensors"'],
    [
      'Thing',
      '$expand=Datastreams($select=result)',
      '$expand/Datastreams/$select',
      'unknown property "result" of Datastream',
    ],
  ])('rejects on %s %s', (type, query, option, message) => {
    let error: unknown;
    try {
      validateQueryOptions(parse(query).options, type as 'Thing');
    } catch (caught) {
      error = caught;
    }

    expect((error as QueryOptionError).option).toBe(option);
    expect((error as QueryOptionError).message).toContain(message);
  });

  it('names the position of a bad path', () => {
    expect(() =>
      validateQueryOptions(parse("$filter=name eq 'x' and Datastreams/nme eq 1").options, 'Thing'),
    ).toThrow('position 17 ("Datastreams/nme")');
  });

  it('applies the navigation check', () => {
    const check = (from: string, navigation: string) =>
      navigation === 'Observations' ? `no ${navigation} from ${from}` : undefined;

    expect(() =>
      validateQueryOptions(parse('$filter=Datastreams/Observations/result gt 1').options, 'Thing', check),
    ).toThrow('no Observations from Datastream');
  });
});

describe('raw options', () => {
  it('keeps the values of an expanded navigation', () => {
    const [item] = parse(`$expand=${encodeURIComponent("Datastreams($top=2;$filter=name eq 'a')")}`).options
      .expand;

    expect(item.options.raw).toEqual({ $top: '2', $filter: "name eq 'a'" });
  });

  it('keeps a nested path as $expand of the outer navigation', () => {
    const [item] = parse(`$expand=${encodeURIComponent('Datastream/Thing($select=name),Datastream/Sensor')}`)
      .options.expand;

    expect(item.options.raw).toEqual({ $expand: 'Thing($select=name),Sensor' });
  });
});
