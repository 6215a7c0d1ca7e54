// Checks of the shared dev services before the production benchmark, and removal of the state it
// leaves there: Kafka topics and consumer groups, InfluxDB databases and the gateway's persistent
// MQTT sessions. Each run also removes the leftovers of an interrupted earlier run before it starts.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import mqtt from 'mqtt';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs');

/** Consumer groups of the platform's services; their names are fixed in the services' code. */
export const SERVICE_GROUPS = ['validator', 'storage-writer'];

function kafkaAdmin(brokers, clientId) {
  return new Kafka({ brokers, clientId, logLevel: logLevel.NOTHING, retry: { retries: 3 } }).admin();
}

async function withAdmin(brokers, clientId, work) {
  const admin = kafkaAdmin(brokers, clientId);
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Throws when another process is a member of the services' consumer groups: it would share
 * the partitions with the benchmark's validator or storage writer, since the group ids are
 * not configurable.
 */
export async function assertServiceGroupsIdle(brokers, clientId) {
  const busy = await withAdmin(brokers, clientId, async (admin) => {
    const { groups } = await admin.describeGroups(SERVICE_GROUPS);

    return groups.filter((group) => group.members.length > 0);
  });
  if (busy.length > 0) {
    const names = busy.map((group) => `${group.groupId} (${group.members.length} members)`).join(', ');
    throw new Error(
      `Kafka consumer groups ${names} already have members: another validator or storage writer runs against this broker and would consume the benchmark's records; stop it and run the benchmark again`,
    );
  }
}

/** Topics each service group consumes, as the services subscribe to them (every tenant). */
const GROUP_TOPICS = {
  validator: /^stadtdaten\.[a-z][a-z0-9-]{1,62}\.ingest\.raw$/,
  'storage-writer':
    /^stadtdaten\.[a-z][a-z0-9-]{1,62}\.(observations|observations\.personal|observations\.derived|rejected)$/,
};

/**
 * Returns, per topic that `belongs` rejects, the records that the services' groups have not
 * committed yet. The benchmark's services would consume and commit them in those groups.
 */
export async function foreignBacklog(brokers, clientId, belongs) {
  return withAdmin(brokers, clientId, async (admin) => {
    const topics = (await admin.listTopics()).filter((topic) => !belongs(topic));
    const backlog = [];
    for (const [groupId, pattern] of Object.entries(GROUP_TOPICS)) {
      const consumed = topics.filter((topic) => pattern.test(topic));
      if (consumed.length === 0) {
        continue;
      }
      const committed = await admin.fetchOffsets({ groupId, topics: consumed });
      for (const { topic, partitions } of committed) {
        const ends = await admin.fetchTopicOffsets(topic);
        const records = ends.reduce((sum, end) => {
          const offset = Number(partitions.find((entry) => entry.partition === end.partition)?.offset ?? -1);
          // Without a committed offset the group starts at the earliest record.
          const from = offset >= 0 ? offset : Number(end.low);

          return sum + Math.max(0, Number(end.high) - from);
        }, 0);
        if (records > 0) {
          backlog.push({ groupId, topic, records });
        }
      }
    }

    return backlog;
  });
}

/** Deletes the topics that `belongs` accepts and the named consumer groups, where they exist. */
export async function deleteKafkaLeftovers(brokers, clientId, belongs, groups) {
  await withAdmin(brokers, clientId, async (admin) => {
    const topics = (await admin.listTopics()).filter(belongs);
    if (topics.length > 0) {
      await admin.deleteTopics({ topics, timeout: 30_000 });
    }
    const existing = new Set((await admin.listGroups()).groups.map((group) => group.groupId));
    const stale = groups.filter((group) => existing.has(group));
    if (stale.length > 0) {
      await admin.deleteGroups(stale).catch(() => undefined);
    }
  });
}

/** Drops every InfluxDB database whose name starts with `${prefix}_`. */
export async function dropInfluxDatabases(url, prefix) {
  const query = async (q) => {
    const response = await fetch(`${url}/query`, {
      method: 'POST',
      body: new URLSearchParams({ q }),
      signal: AbortSignal.timeout(60_000),
    });
    if (!response.ok) {
      throw new Error(`InfluxDB rejected ${q}: ${response.status} ${await response.text()}`);
    }

    return response.json();
  };
  const listed = await query('SHOW DATABASES');
  const names = (listed.results[0].series?.[0]?.values ?? []).map((row) => row[0]);
  for (const name of names.filter((database) => database.startsWith(`${prefix}_`))) {
    await query(`DROP DATABASE "${name}"`);
  }
}

/**
 * Removes the broker's persistent session of `clientId` by connecting with clean start and a
 * session expiry of 0, then disconnecting. Messages queued for that session are discarded.
 */
export async function removeMqttSession(env, clientId) {
  const client = await mqtt.connectAsync(env.STADTDATEN_MQTT_URL, {
    ca: readFileSync(env.STADTDATEN_MQTT_CA_FILE),
    cert: readFileSync(env.STADTDATEN_MQTT_CERT_FILE),
    key: readFileSync(env.STADTDATEN_MQTT_KEY_FILE),
    clientId,
    protocolVersion: 5,
    clean: true,
    properties: { sessionExpiryInterval: 0 },
    reconnectPeriod: 0,
    connectTimeout: 30_000,
  });
  await client.endAsync();
}
