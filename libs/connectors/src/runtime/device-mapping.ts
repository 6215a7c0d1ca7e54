import type { ConnectorMapping } from '../config/connector-config.schema';

/**
 * Device id for a feature key: the key in lower case with every character that a device id
 * cannot hold replaced by "-", put into the mapping's template at {key}.
 */
export function deviceIdFor(mapping: ConnectorMapping, featureKey: string): string {
  const key = featureKey
    .toLowerCase()
    .replace(/[^a-z0-9_:-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');

  return mapping.deviceId.replaceAll('{key}', key === '' ? 'unnamed' : key).slice(0, 128);
}

/** The device-type field a decoder field becomes, or undefined when the mapping drops it. */
export function mappedField(mapping: ConnectorMapping, field: string): string | undefined {
  if (mapping.fields === undefined) {
    return field;
  }

  return mapping.fields[field];
}
