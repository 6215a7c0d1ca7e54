import { z } from 'zod';
import { CLASSIFICATIONS, VALUE_TYPES, isTenantId } from '@stadtdaten/contracts';
import { describeUnknownUnit, isKnownUnit } from '../ucum-units';
import {
  CODEC_NAME,
  DEFAULT_STORAGE_PROFILE,
  DEVICE_TYPE_ID,
  FIELD_NAME,
  OBSERVED_PROPERTY_ID,
  PAYLOAD_FORMATS,
  STORAGE_PROFILES,
  THING_OR_DEVICE_ID,
  USE_CASES,
  isTimeZone,
} from '../vocabulary';
import { showValue } from './catalog-problems';
import { entry, oneOf, pattern } from './schema-helpers';
import { geometrySchema } from './geometry.schema';

/** Builds the schema of a list section. A YAML key without entries (null) counts as an empty list. */
function section<T extends z.ZodType>(item: T) {
  return z
    .array(item)
    .nullish()
    .transform((items) => items ?? []);
}

const text = (maxLength: number) => z.string().trim().min(1).max(maxLength);
const optionalText = (maxLength: number) => z.string().max(maxLength).optional();

const tenantId = z.string().refine(isTenantId, {
  error: (issue) =>
    `invalid tenant id ${showValue(issue.input)}; use 2 to 63 lower-case letters, digits and dashes, starting with a letter`,
});
const PSEUDONYM = /^psn_[A-Za-z0-9_-]{22}$/;

const thingOrDeviceId = (noun: string) =>
  pattern(
    THING_OR_DEVICE_ID,
    `${noun} id`,
    'use letters, digits, "_", "-" and ":" (no dots), 1 to 128 characters',
  );
const deviceTypeId = pattern(DEVICE_TYPE_ID, 'device type id', 'use lower-case letters, digits, "_" and "-"');
const observedPropertyId = pattern(
  OBSERVED_PROPERTY_ID,
  'observed property id',
  'use lower-case letters, digits and "_", starting with a letter, e.g. pm2_5',
);
const fieldName = pattern(
  FIELD_NAME,
  'field name',
  'use letters, digits, "_", "-", ":" and ".", 1 to 64 characters',
);
const unitCode = z
  .string()
  .refine(isKnownUnit, { error: (issue) => describeUnknownUnit(String(issue.input)) });
const storageProfile = oneOf(STORAGE_PROFILES, 'storage profile');
const classification = oneOf(CLASSIFICATIONS, 'classification');
const retentionDays = z.number().int().min(1);
const timeZone = z.string().refine(isTimeZone, {
  error: (issue) =>
    `unknown time zone ${showValue(issue.input)}; use an IANA zone name such as Europe/Berlin`,
});

const tenantEntry = entry({
  id: tenantId,
  name: text(200),
  storageProfile: storageProfile.default(DEFAULT_STORAGE_PROFILE),
});

const observedPropertyEntry = entry({
  id: observedPropertyId,
  name: text(200),
  definition: text(500),
  description: optionalText(2000),
});

const fieldEntry = entry({
  field: fieldName,
  observedProperty: observedPropertyId,
  unit: unitCode,
  type: oneOf(VALUE_TYPES, 'value type'),
  min: z.number().optional(),
  max: z.number().optional(),
  recipientKid: z.string().min(1).max(200).optional(),
  description: optionalText(2000),
});

const deviceTypeEntry = entry({
  id: deviceTypeId,
  tenant: tenantId,
  name: text(200),
  payloadFormat: oneOf(PAYLOAD_FORMATS, 'payload format'),
  codec: pattern(CODEC_NAME, 'codec name', 'use lower-case letters, digits, ".", "_" and "-"').optional(),
  timeZone: timeZone.optional(),
  fields: z.array(fieldEntry).min(1),
});

const thingEntry = entry({
  tenant: tenantId,
  id: thingOrDeviceId('thing'),
  name: text(200),
  description: optionalText(4000),
  useCase: oneOf(USE_CASES, 'use case'),
  location: geometrySchema,
  properties: z.record(z.string(), z.unknown()).nullish(),
});

const datastreamOverride = entry({
  name: text(200).optional(),
  description: optionalText(4000),
  classification: classification.optional(),
  retentionDays: retentionDays.optional(),
  storageProfile: storageProfile.optional(),
  retired: z.boolean().optional(),
});

const deviceEntry = entry({
  tenant: tenantId,
  id: thingOrDeviceId('device'),
  type: deviceTypeId,
  thing: thingOrDeviceId('thing'),
  name: text(200).optional(),
  description: optionalText(4000),
  classification: classification.optional(),
  retentionDays: retentionDays.optional(),
  storageProfile: storageProfile.optional(),
  datastreams: z.record(z.string(), datastreamOverride).nullish(),
  /** Set by the registry from `owner`; a catalog may also give a pseudonym it computed before. */
  // Neither message repeats the value, because it may be a clear person-related id.
  ownerPseudonym: z
    .string()
    .regex(PSEUDONYM, { message: 'invalid owner pseudonym; give the clear id as owner, or a pseudonym of the form psn_ and 22 characters' })
    .optional(),
  owner: z
    .unknown()
    .refine((value) => value === undefined, {
      message: 'owner ids are replaced by pseudonyms before they are stored, and this registry has no pseudonym key store; open it with a pseudonymizer',
    })
    .optional(),
});

/** The catalog document: every section is optional, and entries absent from it are left unchanged. */
export const catalogSchema = entry({
  tenants: section(tenantEntry),
  observedProperties: section(observedPropertyEntry),
  deviceTypes: section(deviceTypeEntry),
  things: section(thingEntry),
  devices: section(deviceEntry),
});

export type CatalogDocument = z.output<typeof catalogSchema>;
export type CatalogTenant = CatalogDocument['tenants'][number];
export type CatalogObservedProperty = CatalogDocument['observedProperties'][number];
export type CatalogDeviceType = CatalogDocument['deviceTypes'][number];
export type CatalogField = CatalogDeviceType['fields'][number];
export type CatalogThing = CatalogDocument['things'][number];
export type CatalogDevice = CatalogDocument['devices'][number];
export type CatalogDatastreamOverride = NonNullable<CatalogDevice['datastreams']>[string];
