import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWithSamples } from '@stadtdaten/testing';
import { toDataArray } from './data-array';
import { sortEntities } from './entity-ordering';
import { matchesFilter } from './filter-evaluator';
import { parseFilter, parseOrderBy } from './filter-parser';
import { planObservationFilter } from './observation-filter.translator';
import { parseQueryOptions, validateQueryOptions } from './query-options.parser';

const context = { nowMs: Date.parse('2024-06-12T00:00:00Z') };

describeWithSamples('FROST responses of the British Geological Survey', (dir) => {
  const read = (file: string) => JSON.parse(readFileSync(join(dir, 'sensorthings', file), 'utf8'));
  const page = read('frost_bgs_observations_page.json');
  const datastreams = read('frost_bgs_datastreams_featureOfInterest14.json').value as Array<
    Record<string, unknown>
  >;

  const matching = (entities: Array<Record<string, unknown>>, filter: string) =>
    entities
      .filter((entity) => matchesFilter(parseFilter(filter), entity, context))
      .map((entity) => entity['@iot.id']);

  it('reads the options of the nextLink', () => {
    const query = new URL(page['@iot.nextLink']).searchParams;
    const { options } = parseQueryOptions(query);

    expect(options.top).toBe(500);
    expect(options.skip).toBe(500);
    expect(options.count).toBe(true);
    expect(options.filterText).toBe('(year(phenomenonTime) eq 2023)');
    expect(() => validateQueryOptions(options, 'Observation')).not.toThrow();
  });

  it('plans the year filter of the nextLink as a range', () => {
    const { options } = parseQueryOptions(new URL(page['@iot.nextLink']).searchParams);
    const plan = planObservationFilter(options.filter, context);

    expect(plan.fromMs).toBe(Date.parse('2023-01-01T00:00:00Z'));
    expect(plan.toMs).toBe(Date.parse('2024-01-01T00:00:00Z'));
    expect(plan.remainingFilter).toBeUndefined();
  });

  it.each([
    ['year(phenomenonTime) eq 2023', [211806310, 211806499, 211807147]],
    ['result gt 1008', [211806310, 211806499]],
    ['hour(phenomenonTime) ge 12', [211806499, 211807147]],
    ["resultQuality/quality eq 'Good' and parameters/publish_yn eq 'Y'", [211806310, 211806499, 211807147]],
    ['resultQuality/event_id ne 1040', []],
    ['phenomenonTime gt 2023-03-28T12:15:00Z', [211807147]],
  ])('filters observations by %s', (filter, expected) => {
    expect(matching(page.value, filter)).toEqual(expected);
  });

  it.each([
    ["unitOfMeasurement/definition eq 'ucum:m'", 3],
    ["startswith(name, 'GGA01_01')", datastreams.length],
    ['FeatureOfInterest/properties/z lt 0', datastreams.length],
    ["geo.distance(FeatureOfInterest/feature, geography'POINT(-4.2 55.84)') lt 0.001", datastreams.length],
    ["geo.distance(observedArea, geography'POINT(0 51.5)') lt 1", 0],
    [
      'phenomenonTime lt 2023-01-01T00:00:00Z',
      datastreams.filter((d) => String(d.phenomenonTime).endsWith('2022-03-03T14:15:00.000Z')).length,
    ],
    [
      "substringof('Temperature', name) or substringof('temperature', description)",
      datastreams.filter((d) => /temperature/i.test(String(d.name) + String(d.description))).length,
    ],
  ])('filters datastreams by %s', (filter, expected) => {
    expect(matching(datastreams, filter)).toHaveLength(expected);
  });

  it('orders datastreams by unit, then name', () => {
    const sorted = sortEntities(
      datastreams,
      parseOrderBy('unitOfMeasurement/symbol asc, name desc'),
      context,
    );
    const keys = sorted.map((d) => `${(d.unitOfMeasurement as { symbol: string }).symbol}|${d.name}`);

    expect(keys).toEqual(
      [...keys].sort((a, b) => {
        const [unitA, nameA] = a.split('|');
        const [unitB, nameB] = b.split('|');

        return unitA < unitB ? -1 : unitA > unitB ? 1 : nameA < nameB ? 1 : nameA > nameB ? -1 : 0;
      }),
    );
  });

  it('writes the observations as a dataArray', () => {
    const groups = toDataArray(
      page.value,
      ['id', 'phenomenonTime', 'result'],
      (o) => o['Datastream@iot.navigationLink'] as string,
    );

    expect(groups).toHaveLength(3);
    expect(groups[0].dataArray).toEqual([[211806310, '2023-03-28T10:30:00.000Z', 1009.86]]);
  });
});
