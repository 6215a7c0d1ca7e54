import type { DerivedPlan } from './derived-catalog';
import { type PendingPlan, mergeDocuments } from './catalog-merge';

const PROPERTY = {
  id: 'observation_count',
  name: 'Anzahl Messwerte',
  definition: 'urn:stadtdaten:property:observation_count',
};

function makePending(deviceId: string, overrides: { typeName?: string; fields?: number } = {}): PendingPlan {
  const fields = Array.from({ length: overrides.fields ?? 3 }, (_, index) => `power.stat_${index}`);
  const document = {
    observedProperties: [PROPERTY],
    deviceTypes: [
      {
        id: 'analytics-rollup-meter',
        tenant: 't',
        name: overrides.typeName ?? 'Rollups of meter',
        payloadFormat: 'json',
        fields: fields.map((field) => ({ field, observedProperty: 'power', unit: 'W', type: 'number' })),
      },
    ],
    devices: [
      {
        tenant: 't',
        id: deviceId,
        type: 'analytics-rollup-meter',
        thing: 'thing-1',
        datastreams: Object.fromEntries(fields.map((field) => [field, { retired: false }])),
      },
    ],
  };
  const plan: DerivedPlan = {
    tenant: 't',
    deviceId,
    deviceTypeId: 'analytics-rollup-meter',
    document,
    streams: [],
  };

  return { plan, document: JSON.stringify(document) };
}

describe('mergeDocuments', () => {
  it('lists shared entries once', () => {
    const merged = mergeDocuments([makePending('rollup-a'), makePending('rollup-b')], 100);

    expect(merged).toHaveLength(1);
    expect(merged[0].members.map((member) => member.plan.deviceId)).toEqual(['rollup-a', 'rollup-b']);
    expect(merged[0].document.observedProperties).toEqual([PROPERTY]);
    expect(merged[0].document.deviceTypes).toHaveLength(1);
    expect((merged[0].document.devices as { id: string }[]).map((device) => device.id)).toEqual([
      'rollup-a',
      'rollup-b',
    ]);
  });

  it('starts a new document at the datastream budget', () => {
    const pending = ['rollup-a', 'rollup-b', 'rollup-c'].map((id) => makePending(id, { fields: 3 }));

    const merged = mergeDocuments(pending, 6);

    expect(merged.map((document) => document.members.length)).toEqual([2, 1]);
    expect(merged[1].document.deviceTypes).toHaveLength(1);
  });

  it('keeps a plan alone that exceeds the budget', () => {
    const merged = mergeDocuments(
      [makePending('rollup-a', { fields: 10 }), makePending('rollup-b', { fields: 1 })],
      4,
    );

    expect(merged.map((document) => document.members.length)).toEqual([1, 1]);
  });

  it('separates plans whose shared entry differs', () => {
    const merged = mergeDocuments(
      [
        makePending('rollup-a'),
        makePending('rollup-b', { typeName: 'renamed' }),
        makePending('rollup-c', { typeName: 'renamed' }),
      ],
      100,
    );

    expect(merged.map((document) => document.members.map((member) => member.plan.deviceId))).toEqual([
      ['rollup-a'],
      ['rollup-b', 'rollup-c'],
    ]);
    expect((merged[1].document.deviceTypes as { name: string }[])[0].name).toBe('renamed');
  });

  it('returns nothing for no plans', () => {
    expect(mergeDocuments([], 100)).toEqual([]);
  });
});
