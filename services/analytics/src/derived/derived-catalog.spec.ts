import type { DatastreamDto, DeviceDto } from '@stadtdaten/registry';
import { type PerSourceKind, buildPerSourcePlan, combinedClassification, strictestProfile } from './derived-catalog';
import { type TenantSources, tenantSourcesOf } from './source-directory.service';

const KIND: PerSourceKind = {
  kind: 'rollup',
  devicePrefix: 'rollup',
  label: 'Rollups',
  appliesTo: (field) => field.valueType === 'number',
  fields: (field) => [{ suffix: 'mean_1h', observedProperty: field.observedProperty.id, unit: field.unit, type: 'number', nameSuffix: 'mean 1h', description: 'mean' }],
  observedProperties: () => [],
  retentionDays: (source) => source.retentionDays,
};

function makeDevice(id: string, classification: DeviceDto['classification'] = 'public'): DeviceDto {
  return { tenant: 't', id, name: id, description: '', deviceTypeId: 'meter', thingId: 'thing-1', payloadFormat: 'json', classification, retentionDays: null, storageProfile: null, ownerPseudonym: null, datastreamIds: [] };
}

function makeDatastream(deviceId: string, field: string, overrides: Partial<DatastreamDto> = {}): DatastreamDto {
  return {
    tenant: 't',
    id: `${deviceId}.${field}`,
    name: `${field} ${deviceId}`,
    description: '',
    thingId: 'thing-1',
    deviceId,
    field,
    observedProperty: { id: 'power', name: 'Power', definition: 'urn:x', description: '' },
    unit: { code: 'W', symbol: 'W', label: { de: 'Watt', en: 'watts' } },
    valueSchema: { type: 'number' },
    classification: 'public',
    retentionDays: 30,
    storageProfile: 'de',
    retired: false,
    ...overrides,
  };
}

function makeSources(devices: DeviceDto[], datastreams: DatastreamDto[]): TenantSources {
  return tenantSourcesOf(devices, datastreams, []);
}

describe('buildPerSourcePlan', () => {
  it('derives a device on the source thing', () => {
    const sources = makeSources([makeDevice('m1')], [makeDatastream('m1', 'power'), makeDatastream('m1', 'label', { valueSchema: { type: 'string' } })]);
    const plan = buildPerSourcePlan('t', KIND, sources.devices.get('m1')!, sources, () => true)!;
    const device = (plan.document.devices as Record<string, any>[])[0];

    expect(plan.deviceId).toBe('rollup-m1');
    expect(plan.deviceTypeId).toBe('analytics-rollup-meter');
    expect(device.thing).toBe('thing-1');
    expect(device.datastreams['power.mean_1h']).toEqual({ classification: 'public', retired: false, name: 'power m1 · mean 1h', storageProfile: 'de', retentionDays: 30 });
    expect(plan.streams.map((stream) => stream.datastreamId)).toEqual(['rollup-m1.power.mean_1h']);
  });

  it('keeps an internal-only kind internal', () => {
    const sources = makeSources([makeDevice('m1')], [makeDatastream('m1', 'power')]);
    const plan = buildPerSourcePlan('t', { ...KIND, internalOnly: true }, sources.devices.get('m1')!, sources, () => true)!;
    const device = (plan.document.devices as Record<string, any>[])[0];

    expect(device.datastreams['power.mean_1h']).toMatchObject({ classification: 'internal', retired: false });
    expect(plan.streams.map((stream) => stream.classification)).toEqual(['internal']);
  });

  it('derives nothing from a personal source', () => {
    const sources = makeSources([makeDevice('m1', 'personal')], [makeDatastream('m1', 'power', { classification: 'personal' })]);
    const plan = buildPerSourcePlan('t', KIND, sources.devices.get('m1')!, sources, () => true);

    expect(plan).toBeUndefined();
  });

  it('keeps a personal source of a derived device as a retired internal placeholder', () => {
    const sources = makeSources(
      [makeDevice('m2'), makeDevice('rollup-m2')],
      [makeDatastream('m2', 'power', { classification: 'personal' }), makeDatastream('m2', 'other')],
    );
    const plan = buildPerSourcePlan('t', KIND, sources.devices.get('m2')!, sources, () => true)!;
    const device = (plan.document.devices as Record<string, any>[])[0];

    expect(device.datastreams['power.mean_1h']).toMatchObject({ classification: 'internal', retired: true });
    expect(plan.streams.map((stream) => stream.sourceDatastreamId)).toEqual(['m2.other']);
  });

  it('retires the derived datastream of an excluded source', () => {
    const sources = makeSources(
      [makeDevice('m1'), makeDevice('rollup-m1')],
      [makeDatastream('m1', 'power'), makeDatastream('m1', 'reserve')],
    );
    const plan = buildPerSourcePlan('t', KIND, sources.devices.get('m1')!, sources, (source) => source.field === 'power')!;
    const device = (plan.document.devices as Record<string, any>[])[0];

    expect(device.datastreams['reserve.mean_1h']).toMatchObject({ classification: 'internal', retired: true });
    expect(plan.streams).toHaveLength(1);
  });
});

describe('strictestProfile', () => {
  it('keeps the strictest residency', () => {
    expect(strictestProfile(['eu', 'de'])).toBe('de');
    expect(strictestProfile(['eu', 'onprem-darz', 'de'])).toBe('onprem-darz');
  });
});

describe('combinedClassification', () => {
  it('is public only when every source is', () => {
    expect(combinedClassification(['public', 'public'])).toBe('public');
    expect(combinedClassification(['public', 'internal'])).toBe('internal');
    expect(combinedClassification([])).toBe('internal');
  });
});
