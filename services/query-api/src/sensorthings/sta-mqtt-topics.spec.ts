import {
  defaultTenantObservationsTopic,
  hasWildcard,
  observationsTopic,
  parseObservationsTopic,
} from './sta-mqtt-topics';

describe('observationsTopic', () => {
  it.each([
    ['thermo-1.temperature', "v1.1/tenants/darmstadt/Datastreams('thermo-1.temperature')/Observations"],
    ['urn:dev:1.temp', "v1.1/tenants/darmstadt/Datastreams('urn:dev:1.temp')/Observations"],
    ["o'brien.level", "v1.1/tenants/darmstadt/Datastreams('o''brien.level')/Observations"],
    ['a/b+c#d.x', "v1.1/tenants/darmstadt/Datastreams('a%2Fb%2Bc%23d.x')/Observations"],
  ])('writes %s as in the selfLink', (datastreamId, expected) => {
    expect(observationsTopic('darmstadt', datastreamId)).toBe(expected);
  });

  it('writes the default-tenant form without tenants/', () => {
    expect(defaultTenantObservationsTopic('thermo-1.temperature')).toBe(
      "v1.1/Datastreams('thermo-1.temperature')/Observations",
    );
  });
});

describe('parseObservationsTopic', () => {
  it.each(['thermo-1.temperature', 'urn:dev:1.temp', "o'brien.level", 'a/b+c#d.x', 'x(1).y'])(
    'reads back the topic of %s',
    (datastreamId) => {
      expect(parseObservationsTopic(observationsTopic('heag', datastreamId))).toEqual({
        tenant: 'heag',
        datastreamId,
      });
      expect(parseObservationsTopic(defaultTenantObservationsTopic(datastreamId), 'darmstadt')).toEqual({
        tenant: 'darmstadt',
        datastreamId,
      });
    },
  );

  it('ignores the form without tenant when no default tenant is set', () => {
    expect(parseObservationsTopic("v1.1/Datastreams('thermo-1.temperature')/Observations")).toBeUndefined();
  });

  it.each([
    'v1.1/tenants/darmstadt/Datastreams(thermo-1.temperature)/Observations',
    'v1.1/tenants/darmstadt/Datastreams(5)/Observations',
    "v1.1/tenants/darmstadt/Datastreams('a/b.x')/Observations",
    "v1.1/tenants/darmstadt/Datastreams('a%2fb.x')/Observations",
    "v1.1/tenants/Darmstadt/Datastreams('thermo-1.temperature')/Observations",
    "v1.1/tenants/darmstadt/Datastreams('thermo-1.temperature')",
    "v1.1/tenants/darmstadt/Things('luisenplatz')/Datastreams",
    "v1.1/tenants/+/Datastreams('thermo-1.temperature')/Observations",
    'v1.1/tenants/darmstadt/Datastreams(+)/Observations',
    'v1.1/#',
    "v1.0/Datastreams('thermo-1.temperature')/Observations",
  ])('rejects %s', (topic) => {
    expect(parseObservationsTopic(topic, 'darmstadt')).toBeUndefined();
  });
});

describe('hasWildcard', () => {
  it.each([
    ['v1.1/#', true],
    ['v1.1/tenants/+/Datastreams', true],
    ["v1.1/tenants/darmstadt/Datastreams('a+b')/Observations", false],
    ["v1.1/tenants/darmstadt/Datastreams('a%2Bb')/Observations", false],
  ])('reads %s as %s', (topicFilter, expected) => {
    expect(hasWildcard(topicFilter)).toBe(expected);
  });
});
