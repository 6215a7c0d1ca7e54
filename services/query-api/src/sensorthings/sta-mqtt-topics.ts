import { isTenantId } from '@stadtdaten/contracts';
import { entityKey } from './sta-context';

/** First level of every SensorThings MQTT topic: the API version, as in `/sta/v1.1/`. */
export const STA_MQTT_PREFIX = 'v1.1/';

/** The datastream whose new observations a topic carries. */
export interface ObservationsTopicTarget {
  tenant: string;
  datastreamId: string;
}

const TENANT_TOPIC = /^v1\.1\/tenants\/([^/]+)\/Datastreams(\([^/]*\))\/Observations$/;
const DEFAULT_TENANT_TOPIC = /^v1\.1\/Datastreams(\([^/]*\))\/Observations$/;
const QUOTED_KEY = /^\('((?:[^']|'')*)'\)$/;

/**
 * Returns the topic of the new observations of a datastream. It is the REST resource path
 * below `/sta/`, e.g. `v1.1/tenants/darmstadt/Datastreams('thermo-1.temperature')/Observations`,
 * with the id written as in `@iot.selfLink`.
 */
export function observationsTopic(tenant: string, datastreamId: string): string {
  return `${STA_MQTT_PREFIX}tenants/${tenant}/Datastreams${entityKey(datastreamId)}/Observations`;
}

/**
 * Returns the topic without a tenant segment, `v1.1/Datastreams('<id>')/Observations`, which a
 * client builds from a service root without the `tenants/<tenant>` part. It carries the
 * observations of the default tenant.
 */
export function defaultTenantObservationsTopic(datastreamId: string): string {
  return `${STA_MQTT_PREFIX}Datastreams${entityKey(datastreamId)}/Observations`;
}

/**
 * Reads an observations topic in either form. The form without a tenant names `defaultTenant`.
 * Returns undefined for any other topic, for topic filters with wildcards, and for ids not
 * written as the publisher writes them, because a subscription to such a spelling would
 * never match a message.
 */
export function parseObservationsTopic(
  topic: string,
  defaultTenant?: string,
): ObservationsTopicTarget | undefined {
  const withTenant = TENANT_TOPIC.exec(topic);
  if (withTenant !== null) {
    const [, tenant, key] = withTenant;
    const datastreamId = isTenantId(tenant) ? parseKey(key) : undefined;

    return datastreamId !== undefined && observationsTopic(tenant, datastreamId) === topic
      ? { tenant, datastreamId }
      : undefined;
  }

  const withoutTenant = DEFAULT_TENANT_TOPIC.exec(topic);
  if (withoutTenant === null || defaultTenant === undefined) {
    return undefined;
  }
  const datastreamId = parseKey(withoutTenant[1]);

  return datastreamId !== undefined && defaultTenantObservationsTopic(datastreamId) === topic
    ? { tenant: defaultTenant, datastreamId }
    : undefined;
}

/** Tests whether a topic filter contains an MQTT wildcard (`+` or `#`). */
export function hasWildcard(topicFilter: string): boolean {
  return topicFilter.split('/').some((level) => level === '+' || level === '#');
}

function parseKey(key: string): string | undefined {
  const quoted = QUOTED_KEY.exec(key);
  if (quoted === null) {
    return undefined;
  }
  try {
    return decodeURIComponent(quoted[1]).replace(/''/g, "'");
  } catch {
    return undefined;
  }
}
