import { QueryOptionError } from './query-option.errors';
import { parseResourcePath } from './resource-path.parser';

function show(path: string): string {
  const parsed = parseResourcePath(path);
  const steps = parsed.steps.map(
    (step) => `${step.type}${step.key === undefined ? '' : `(${step.key})`}${step.many ? '*' : ''}`,
  );

  return [
    ...steps,
    ...(parsed.property === undefined ? [] : [`.${parsed.property}`]),
    ...(parsed.value ? ['$value'] : []),
  ].join(' ');
}

describe('parseResourcePath', () => {
  it.each([
    ['Things', 'Thing*'],
    ['Things/', 'Thing*'],
    ["Things('luisenplatz')", 'Thing(luisenplatz)'],
    ['Things(42)', 'Thing(42)'],
    ["Things('it''s')", "Thing(it's)"],
    ["Things('a')/Datastreams", 'Thing(a) Datastream*'],
    ["Datastreams('sds011-15092.P2')/Observations", 'Datastream(sds011-15092.P2) Observation*'],
    ["Datastreams('a.b')/Thing/Locations", 'Datastream(a.b) Thing Location*'],
    ["Things('a')/Datastreams('a.b')/Sensor", 'Thing(a) Datastream(a.b) Sensor'],
    ["Things('a')/name", 'Thing(a) .name'],
    ["Things('a')/name/$value", 'Thing(a) .name $value'],
    ["Observations('x.y@1711621800000')/result/$value", 'Observation(x.y@1711621800000) .result $value'],
    ['FeaturesOfInterest', 'FeatureOfInterest*'],
  ])('parses %s', (path, expected) => {
    expect(show(path)).toBe(expected);
  });

  it.each([
    ['', 'the path is empty'],
    ['Widgets', 'unknown entity set "Widgets"'],
    ['Things/Datastreams', 'address one entity first'],
    ["Things('a')/Sensors", 'no property or navigation property "Sensors"'],
    ["Datastreams('a.b')/Thing('x')", 'takes no id'],
    ['Things(a)', 'single-quoted string'],
    ["Things('a')/name/x", 'only /$value'],
    ["Things('a')/$value", 'no property or navigation property "$value"'],
  ])('rejects %s', (path, message) => {
    expect(() => parseResourcePath(path)).toThrow(QueryOptionError);
    expect(() => parseResourcePath(path)).toThrow(message);
  });
});
