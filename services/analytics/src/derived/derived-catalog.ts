import { type Classification, derivedDeviceId, derivedField, derivedTypeId } from '@stadtdaten/contracts';
import type { DatastreamDto, DeviceDto } from '@stadtdaten/registry';
import type { TenantSources } from './source-directory.service';

/** One datastream that a job derives from a source field. */
export interface DerivedFieldSpec {
  /** Appended to the source field, e.g. `mean_1h`; the whole field for fixed device types. */
  suffix: string;
  observedProperty: string;
  /** UCUM code. */
  unit: string;
  type: 'number' | 'integer' | 'string';
  /** Appended to the source datastream's name, e.g. `mean 1h`. */
  nameSuffix: string;
  description: string;
}

/** An observed property that a derived device type needs, as a catalog entry. */
export interface ObservedPropertyEntry {
  id: string;
  name: string;
  definition: string;
  description?: string;
}

/** A registered derived datastream with what its observations carry. */
export interface DerivedStream {
  tenant: string;
  datastreamId: string;
  deviceId: string;
  thingId: string;
  field: string;
  /** The suffix of the field spec, e.g. `mean_1h`. */
  suffix: string;
  /** The one source datastream, where the derived datastream has one. */
  sourceDatastreamId?: string;
  observedProperty: string;
  unit: string;
  classification: Classification;
  storageProfile: string;
}

/** The catalog document that registers one derived device, and its active datastreams. */
export interface DerivedPlan {
  tenant: string;
  deviceId: string;
  deviceTypeId: string;
  document: Record<string, unknown>;
  streams: DerivedStream[];
}

/** A field of a source device type, as the registry's datastreams of that type show it. */
export interface SourceField {
  field: string;
  observedProperty: { id: string; name: string };
  unit: string;
  valueType: string;
}

/** A job kind that derives datastreams field by field from each source device. */
export interface PerSourceKind {
  kind: string;
  devicePrefix: string;
  label: string;
  /** Whether a field of the source device type gets derived datastreams; the same for every device of the type. */
  appliesTo(field: SourceField): boolean;
  fields(field: SourceField): DerivedFieldSpec[];
  observedProperties(field: SourceField): ObservedPropertyEntry[];
  /** Days to keep a derived datastream's observations; null keeps them until deleted. */
  retentionDays(source: DatastreamDto, spec: DerivedFieldSpec): number | null;
  /**
   * Keeps the derived datastreams internal even where the source is public, so that public
   * lists, the catalog and the portal leave them out. The query API still reads them to compute aggregates.
   */
  internalOnly?: boolean;
}

const MAX_NAME = 200;

/** Residency labels from the strictest to the widest; a value derived from several sources keeps the strictest. */
const PROFILE_ORDER = ['onprem-darz', 'de', 'eu'];

/** Returns the strictest storage profile of the sources (unknown labels count as strictest). */
export function strictestProfile(profiles: string[]): string {
  const ranked = [...new Set(profiles)].sort((a, b) => rank(a) - rank(b));

  return ranked[0] ?? 'onprem-darz';
}

function rank(profile: string): number {
  const index = PROFILE_ORDER.indexOf(profile);

  return index === -1 ? -1 : index;
}

/** Public only when every source is public. */
export function combinedClassification(classifications: Classification[]): Classification {
  return classifications.length > 0 && classifications.every((value) => value === 'public') ? 'public' : 'internal';
}

function clip(text: string): string {
  return text.length <= MAX_NAME ? text : `${text.slice(0, MAX_NAME - 1)}…`;
}

/** Fields per device type of a registry snapshot, cached because every plan of a job run reads them. */
const fieldsByType = new WeakMap<TenantSources, Map<string, SourceField[]>>();

/**
 * Reads the fields of a device type from the datastreams of its devices (non-retired ones first).
 * The result is kept per snapshot: do not change the returned array.
 */
export function fieldsOfType(sources: TenantSources, deviceTypeId: string): SourceField[] {
  const byType = fieldsByType.get(sources) ?? new Map<string, SourceField[]>();
  fieldsByType.set(sources, byType);
  const known = byType.get(deviceTypeId);
  if (known !== undefined) {
    return known;
  }

  const fields = readFieldsOfType(sources, deviceTypeId);
  byType.set(deviceTypeId, fields);

  return fields;
}

function readFieldsOfType(sources: TenantSources, deviceTypeId: string): SourceField[] {
  const fields = new Map<string, DatastreamDto>();
  for (const datastream of sources.datastreams.values()) {
    const device = sources.devices.get(datastream.deviceId);
    const known = fields.get(datastream.field);
    if (device?.deviceTypeId !== deviceTypeId || (known !== undefined && !known.retired)) {
      continue;
    }
    fields.set(datastream.field, datastream);
  }

  return [...fields.values()]
    .sort((a, b) => a.field.localeCompare(b.field))
    .map((datastream) => ({
      field: datastream.field,
      observedProperty: { id: datastream.observedProperty.id, name: datastream.observedProperty.name },
      unit: datastream.unit.code,
      valueType: datastream.valueSchema.type,
    }));
}

/**
 * Builds the catalog document of the derived device of one source device: a device type per job
 * kind and source device type (a device type fixes unit and observed property per field), and a
 * device on the source's thing. A derived datastream is active where its source datastream is
 * eligible, not retired and not personal. Every device of a type has the same fields, so the
 * others stay registered as retired, internal placeholders. Returns undefined when the
 * device has nothing to derive and no derived device yet.
 */
export function buildPerSourcePlan(
  tenant: string,
  kind: PerSourceKind,
  device: DeviceDto,
  sources: TenantSources,
  eligible: (source: DatastreamDto) => boolean,
): DerivedPlan | undefined {
  const typeFields = fieldsOfType(sources, device.deviceTypeId).filter((field) => kind.appliesTo(field));
  if (typeFields.length === 0) {
    return undefined;
  }

  const deviceId = derivedDeviceId(kind.devicePrefix, device.id);
  const deviceTypeId = derivedTypeId(kind.kind, device.deviceTypeId);
  const ownDatastreams = new Map((sources.datastreamsByDevice.get(device.id) ?? []).map((datastream) => [datastream.field, datastream]));
  const overrides: Record<string, Record<string, unknown>> = {};
  const streams: DerivedStream[] = [];
  const typeEntries: Record<string, unknown>[] = [];
  const properties = new Map<string, ObservedPropertyEntry>();

  for (const field of typeFields) {
    kind.observedProperties(field).forEach((property) => properties.set(property.id, property));
    const source = ownDatastreams.get(field.field);
    const active = source !== undefined && !source.retired && source.classification !== 'personal' && eligible(source);
    for (const spec of kind.fields(field)) {
      const name = derivedField(field.field, spec.suffix);
      typeEntries.push({ field: name, observedProperty: spec.observedProperty, unit: spec.unit, type: spec.type, description: spec.description });
      overrides[name] = overrideOf(kind, spec, source, active);
      if (active) {
        streams.push(streamOf(tenant, deviceId, device.thingId, name, spec, source, kind.internalOnly === true));
      }
    }
  }
  if (streams.length === 0 && !sources.devices.has(deviceId)) {
    return undefined;
  }

  const document = {
    observedProperties: [...properties.values()],
    deviceTypes: [{ id: deviceTypeId, tenant, name: clip(`${kind.label} of ${device.deviceTypeId}`), payloadFormat: 'json', fields: typeEntries }],
    devices: [
      {
        tenant,
        id: deviceId,
        type: deviceTypeId,
        thing: device.thingId,
        name: clip(`${kind.label} – ${device.name}`),
        description: `Derived by the analytics service from device ${device.id}.`,
        classification: 'internal',
        datastreams: overrides,
      },
    ],
  };

  return { tenant, deviceId, deviceTypeId, document, streams };
}

function overrideOf(kind: PerSourceKind, spec: DerivedFieldSpec, source: DatastreamDto | undefined, active: boolean): Record<string, unknown> {
  const override: Record<string, unknown> = {
    classification: active && kind.internalOnly !== true ? source!.classification : 'internal',
    retired: !active,
  };
  if (source !== undefined) {
    override.name = clip(`${source.name} · ${spec.nameSuffix}`);
    override.storageProfile = source.storageProfile;
    const retentionDays = kind.retentionDays(source, spec);
    if (retentionDays !== null) {
      override.retentionDays = retentionDays;
    }
  }

  return override;
}

function streamOf(
  tenant: string,
  deviceId: string,
  thingId: string,
  field: string,
  spec: DerivedFieldSpec,
  source: DatastreamDto,
  internalOnly: boolean,
): DerivedStream {
  return {
    tenant,
    datastreamId: `${deviceId}.${field}`,
    deviceId,
    thingId,
    field,
    suffix: spec.suffix,
    sourceDatastreamId: source.id,
    observedProperty: spec.observedProperty,
    unit: spec.unit,
    classification: internalOnly ? 'internal' : source.classification,
    storageProfile: source.storageProfile,
  };
}

/** Input of a derived device with fixed fields (an indicator over several sources). */
export interface FixedPlanInput {
  tenant: string;
  kind: string;
  typeName: string;
  fields: DerivedFieldSpec[];
  observedProperties: ObservedPropertyEntry[];
  deviceId: string;
  deviceName: string;
  /** The thing of the device: an id of a stored thing, or a thing entry that the document creates. */
  thing: string | Record<string, unknown>;
  classification: Classification;
  storageProfile: string;
  retentionDays?: number;
}

/** Builds the catalog document of a derived device whose device type has fixed fields. */
export function buildFixedPlan(input: FixedPlanInput): DerivedPlan {
  const deviceTypeId = derivedTypeId(input.kind);
  const thingId = typeof input.thing === 'string' ? input.thing : String(input.thing.id);
  const overrides = Object.fromEntries(
    input.fields.map((spec) => [spec.suffix, { classification: input.classification, storageProfile: input.storageProfile }]),
  );
  const document: Record<string, unknown> = {
    observedProperties: input.observedProperties,
    deviceTypes: [
      {
        id: deviceTypeId,
        tenant: input.tenant,
        name: clip(input.typeName),
        payloadFormat: 'json',
        fields: input.fields.map((spec) => ({ field: spec.suffix, observedProperty: spec.observedProperty, unit: spec.unit, type: spec.type, description: spec.description })),
      },
    ],
    devices: [
      {
        tenant: input.tenant,
        id: input.deviceId,
        type: deviceTypeId,
        thing: thingId,
        name: clip(input.deviceName),
        description: 'Derived by the analytics service.',
        classification: input.classification,
        storageProfile: input.storageProfile,
        ...(input.retentionDays === undefined ? {} : { retentionDays: input.retentionDays }),
        datastreams: overrides,
      },
    ],
  };
  if (typeof input.thing !== 'string') {
    document.things = [input.thing];
  }
  const streams = input.fields.map((spec) => ({
    tenant: input.tenant,
    datastreamId: `${input.deviceId}.${spec.suffix}`,
    deviceId: input.deviceId,
    thingId,
    field: spec.suffix,
    suffix: spec.suffix,
    observedProperty: spec.observedProperty,
    unit: spec.unit,
    classification: input.classification,
    storageProfile: input.storageProfile,
  }));

  return { tenant: input.tenant, deviceId: input.deviceId, deviceTypeId, document, streams };
}
