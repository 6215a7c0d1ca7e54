import { scopedKey, type StoredState } from './catalog-state';
import { type ProblemList, type ProblemPath, showValue } from './catalog-problems';
import { valueSchemaProblems } from '../value-schema';

type RawEntry = Record<string, unknown>;

interface IndexedEntry {
  index: number;
  entry: RawEntry;
}

/** Most ids listed in a "use one of" hint; longer lists are cut. */
const MAX_LISTED_IDS = 12;

/**
 * Checks what the zod schema cannot: duplicate ids, references between entries and to
 * stored rows, value ranges and per-field overrides. It reads the raw document, so it also
 * finds problems in entries that have other problems. Paths that already have a problem
 * are skipped, so each cause is reported once.
 */
export function checkReferences(raw: unknown, stored: StoredState, problems: ProblemList): void {
  if (!isMapping(raw)) {
    return;
  }
  const tenants = entriesOf(raw, 'tenants');
  const observedProperties = entriesOf(raw, 'observedProperties');
  const deviceTypes = entriesOf(raw, 'deviceTypes');
  const things = entriesOf(raw, 'things');
  const devices = entriesOf(raw, 'devices');

  const tenantIds = new Set([...stored.tenants.keys(), ...idsOf(tenants, () => undefined)]);
  const propertyIds = new Set([
    ...stored.observedProperties.keys(),
    ...idsOf(observedProperties, () => undefined),
  ]);
  const typeFields = collectTypeFields(deviceTypes, stored);
  const thingKeys = new Set([...stored.things.keys(), ...idsOf(things, (entry) => text(entry.tenant))]);

  checkDuplicates('tenants', 'tenant', tenants, () => undefined, problems);
  checkDuplicates('observedProperties', 'observed property', observedProperties, () => undefined, problems);
  checkDuplicates('deviceTypes', 'device type', deviceTypes, (entry) => text(entry.tenant), problems);
  checkDuplicates('things', 'thing', things, (entry) => text(entry.tenant), problems);
  checkDuplicates('devices', 'device', devices, (entry) => text(entry.tenant), problems);

  for (const section of [
    ['deviceTypes', deviceTypes],
    ['things', things],
    ['devices', devices],
  ] as const) {
    for (const { index, entry } of section[1]) {
      checkReference([section[0], index, 'tenant'], entry.tenant, tenantIds, 'tenant', 'tenants', problems);
    }
  }

  for (const { index, entry } of deviceTypes) {
    checkFields(['deviceTypes', index], entry, propertyIds, problems);
  }

  for (const { index, entry } of devices) {
    checkDevice(['devices', index], entry, { typeFields, thingKeys }, problems);
  }
}

function checkFields(
  path: ProblemPath,
  deviceType: RawEntry,
  propertyIds: Set<string>,
  problems: ProblemList,
): void {
  const fields = Array.isArray(deviceType.fields) ? deviceType.fields : [];
  const seen = new Map<string, number>();
  fields.forEach((field: unknown, index) => {
    if (!isMapping(field)) {
      return;
    }
    const fieldPath = [...path, 'fields', index];
    const name = text(field.field);
    if (name !== undefined && seen.has(name) && !problems.hasAt([...fieldPath, 'field'])) {
      problems.add(
        [...fieldPath, 'field'],
        `duplicate field "${name}" (also fields[${seen.get(name)}]); list each field once`,
      );
    }
    if (name !== undefined && !seen.has(name)) {
      seen.set(name, index);
    }
    checkReference(
      [...fieldPath, 'observedProperty'],
      field.observedProperty,
      propertyIds,
      'observed property',
      'observedProperties',
      problems,
    );
    for (const problem of valueSchemaProblems(field)) {
      if (!problems.hasAt([...fieldPath, problem.key])) {
        problems.add([...fieldPath, problem.key], problem.message);
      }
    }
  });
}

interface DeviceReferences {
  /** Field names per device type, keyed by scopedKey(tenant, id). */
  typeFields: Map<string, string[]>;
  thingKeys: Set<string>;
}

function checkDevice(
  path: ProblemPath,
  device: RawEntry,
  refs: DeviceReferences,
  problems: ProblemList,
): void {
  const tenant = text(device.tenant);
  if (tenant === undefined || problems.hasAt([...path, 'tenant'])) {
    return;
  }
  const typeId = text(device.type);
  const typeKeys = new Set([...refs.typeFields.keys()].filter((key) => key.startsWith(`${tenant}\u0000`)));
  checkReference([...path, 'type'], device.type, typeKeys, 'device type', 'deviceTypes', problems, tenant);
  checkReference([...path, 'thing'], device.thing, refs.thingKeys, 'thing', 'things', problems, tenant);

  const fields = typeId === undefined ? undefined : refs.typeFields.get(scopedKey(tenant, typeId));
  if (fields === undefined || !isMapping(device.datastreams)) {
    return;
  }
  for (const field of Object.keys(device.datastreams)) {
    if (!fields.includes(field)) {
      problems.add(
        [...path, 'datastreams', field],
        `field "${field}" is not defined by device type "${typeId}"; use one of ${listIds(fields)}`,
      );
    }
  }
}

/** Reports a reference to an id that neither the document nor the registry defines. */
function checkReference(
  path: ProblemPath,
  value: unknown,
  known: Set<string>,
  noun: string,
  section: string,
  problems: ProblemList,
  tenant?: string,
): void {
  const id = text(value);
  if (id === undefined || problems.hasAt(path)) {
    return;
  }
  const key = tenant === undefined ? id : scopedKey(tenant, id);
  if (known.has(key)) {
    return;
  }
  const candidates = [...known]
    .filter((candidate) => tenant === undefined || candidate.startsWith(`${tenant}\u0000`))
    .map((candidate) => (tenant === undefined ? candidate : candidate.slice(tenant.length + 1)));
  const scope = tenant === undefined ? '' : ` of tenant "${tenant}"`;
  const hint = candidates.length === 0 ? '' : ` (known: ${listIds(candidates)})`;
  problems.add(
    path,
    `unknown ${noun} ${showValue(id)}${scope}; define it under ${section} or fix the name${hint}`,
  );
}

function checkDuplicates(
  section: string,
  noun: string,
  entries: IndexedEntry[],
  tenantOf: (entry: RawEntry) => string | undefined,
  problems: ProblemList,
): void {
  const firstIndex = new Map<string, number>();
  for (const { index, entry } of entries) {
    const id = text(entry.id);
    if (id === undefined) {
      continue;
    }
    const tenant = tenantOf(entry);
    const key = tenant === undefined ? id : scopedKey(tenant, id);
    const first = firstIndex.get(key);
    if (first === undefined) {
      firstIndex.set(key, index);
      continue;
    }
    const scope = tenant === undefined ? '' : ` of tenant "${tenant}"`;
    problems.add(
      [section, index, 'id'],
      `duplicate ${noun} "${id}"${scope} (also ${section}[${first}]); give each ${noun} its own id`,
    );
  }
}

/** Field names of each device type: from the document where it defines the type, else from the registry. */
function collectTypeFields(deviceTypes: IndexedEntry[], stored: StoredState): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const [key, row] of stored.deviceTypes) {
    fields.set(
      key,
      row.fields.map((field) => field.field),
    );
  }
  for (const { entry } of deviceTypes) {
    const tenant = text(entry.tenant);
    const id = text(entry.id);
    if (tenant !== undefined && id !== undefined) {
      const names = Array.isArray(entry.fields)
        ? entry.fields.map((field: unknown) => (isMapping(field) ? text(field.field) : undefined))
        : [];
      fields.set(
        scopedKey(tenant, id),
        names.filter((name): name is string => name !== undefined),
      );
    }
  }

  return fields;
}

function idsOf(entries: IndexedEntry[], tenantOf: (entry: RawEntry) => string | undefined): string[] {
  return entries.flatMap(({ entry }) => {
    const id = text(entry.id);
    const tenant = tenantOf(entry);
    if (id === undefined) {
      return [];
    }

    return [tenant === undefined ? id : scopedKey(tenant, id)];
  });
}

function entriesOf(document: RawEntry, section: string): IndexedEntry[] {
  const list = document[section];
  if (!Array.isArray(list)) {
    return [];
  }

  return list.flatMap((entry: unknown, index) => (isMapping(entry) ? [{ index, entry }] : []));
}

function listIds(ids: string[]): string {
  const sorted = [...ids].sort();
  const listed = sorted.slice(0, MAX_LISTED_IDS).join(', ');

  return sorted.length > MAX_LISTED_IDS ? `${listed} and ${sorted.length - MAX_LISTED_IDS} more` : listed;
}

function isMapping(value: unknown): value is RawEntry {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
