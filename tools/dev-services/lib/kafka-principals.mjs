// Kafka users (SASL/SCRAM-SHA-512) of the dev services and the ACLs of each. `up` creates the
// users with passwords from secrets.json and makes the broker's ACLs match this table.
//
// NOTE: topics are named stadtdaten.<tenant>.<kind>, so a prefixed pattern can select one
// tenant's topics (stadtdaten.darmstadt.) but not one kind across all tenants. A service that
// reads raw topics may therefore read every stadtdaten. topic. Literal ACLs per tenant and kind
// would be narrower, but they would have to be added whenever a tenant is created.

/** Topic prefix of every platform topic. */
const TOPIC_PREFIX = 'stadtdaten.';

/** Tenants of the dev realm that get a reader user each (the Keycloak realm's test tenants). */
export const READER_TENANTS = ['darmstadt', 'heag'];

/** Super user of the dev services (tests and tools); it needs no ACLs. */
export const KAFKA_ADMIN_USER = 'stadtdaten-admin';

/**
 * Principal of the broker's own certificate (its CN), with which it connects to its controller
 * and internal listeners. A super user as well.
 */
export const KAFKA_BROKER_PRINCIPAL = 'kafka-broker';

const topics = (operations, name = TOPIC_PREFIX) =>
  operations.map((operation) => ({ resourceType: 'TOPIC', patternType: 'PREFIXED', name, operation }));
const group = (name, patternType = 'LITERAL') => ({ resourceType: 'GROUP', patternType, name, operation: 'READ' });
// The event log's idempotent producer asks for a producer id when it connects. Kafka grants
// that with IdempotentWrite on the cluster or Write on any topic, so services that only read
// get IdempotentWrite, which allows no write to any topic.
const producerId = { resourceType: 'CLUSTER', patternType: 'LITERAL', name: 'kafka-cluster', operation: 'IDEMPOTENT_WRITE' };

/** Users with their ACLs (all ALLOW, from any host). */
export const KAFKA_PRINCIPALS = [
  { name: 'ingest-gateway', acls: topics(['WRITE', 'DESCRIBE', 'CREATE']) },
  { name: 'validator', acls: [...topics(['READ', 'WRITE']), group('validator')] },
  { name: 'storage-writer', acls: [...topics(['READ']), group('storage-writer'), producerId] },
  { name: 'analytics', acls: [...topics(['READ', 'WRITE']), group('analytics')] },
  // The query API reads observation topics in the group sensorthings-mqtt to publish them over MQTT.
  { name: 'query-api', acls: [...topics(['READ']), group('sensorthings-mqtt'), producerId] },
  ...READER_TENANTS.map((tenant) => ({
    name: `tenant-${tenant}`,
    acls: [...topics(['READ'], `${TOPIC_PREFIX}${tenant}.`), group(`${TOPIC_PREFIX}${tenant}.`, 'PREFIXED')],
  })),
];

/** Every SCRAM user `up` creates, the super user first. */
export const KAFKA_USERS = [KAFKA_ADMIN_USER, ...KAFKA_PRINCIPALS.map((principal) => principal.name)];

/** Name of the environment variable that `env` prints with a user's password. */
export function kafkaPasswordVariable(user) {
  return `STADTDATEN_KAFKA_SASL_PASSWORD_${user.toUpperCase().replaceAll('-', '_')}`;
}
