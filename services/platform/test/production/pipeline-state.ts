import { readFileSync } from 'node:fs';
import { TopicKind, topicName } from '@stadtdaten/contracts';
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import { fetchTls, setting } from './production-clients';

const TENANT_TOPIC_KINDS = [
  TopicKind.RAW,
  TopicKind.OBSERVATIONS,
  TopicKind.PERSONAL,
  TopicKind.DERIVED,
  TopicKind.REJECTED,
  TopicKind.SIGNATURES,
];

/**
 * Creates a kafkajs client of the dev services' Kafka, over TLS and as `username`, which is the
 * dev services' super user by default.
 */
export function devKafka(
  clientId: string,
  username = setting('STADTDATEN_KAFKA_SASL_USERNAME'),
  password = setting('STADTDATEN_KAFKA_SASL_PASSWORD'),
): Kafka {
  return new Kafka({
    brokers: setting('STADTDATEN_KAFKA_BROKERS').split(','),
    clientId,
    ssl: { ca: [readFileSync(setting('STADTDATEN_KAFKA_SSL_CA_FILE'))] },
    sasl: { mechanism: 'scram-sha-512', username, password },
    logLevel: logLevel.NOTHING,
  });
}

function kafkaAdmin() {
  return devKafka('stadtdaten-e2e').admin();
}

/**
 * Creates the tenant's six topics with 3 partitions, as the gateway would at the first message,
 * so that the consumers subscribe to them at their start and need no restart for new topics.
 */
export async function createTenantTopics(tenant: string): Promise<void> {
  const admin = kafkaAdmin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: TENANT_TOPIC_KINDS.map((kind) => ({
        topic: topicName(tenant, kind),
        numPartitions: 3,
        replicationFactor: 1,
      })),
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTenantTopics(tenant: string): Promise<void> {
  const admin = kafkaAdmin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const topics = TENANT_TOPIC_KINDS.map((kind) => topicName(tenant, kind)).filter((topic) =>
      existing.has(topic),
    );
    if (topics.length > 0) {
      await admin.deleteTopics({ topics, timeout: 10_000 });
    }
  } finally {
    await admin.disconnect();
  }
}

/** Consumer groups of the validator, the storage writer and the analytics service, whose names are fixed in the services' code. */
export const SERVICE_GROUPS = ['validator', 'storage-writer', 'analytics'];

export interface GroupMember {
  groupId: string;
  memberId: string;
  clientHost: string;
  /** Partitions per topic assigned to the member. */
  assignment: Record<string, number[]>;
}

/** Lists the members of the consumer groups with their partition assignments. */
export async function groupMembers(groupIds: string[] = SERVICE_GROUPS): Promise<GroupMember[]> {
  const admin = kafkaAdmin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups(groupIds);

    return groups.flatMap((group) =>
      group.members.map((member) => ({
        groupId: group.groupId,
        memberId: member.memberId,
        clientHost: member.clientHost,
        assignment:
          member.memberAssignment.length > 0
            ? (AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment ?? {})
            : {},
      })),
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * Records of the tenant's topics that the validator and storage-writer groups have not committed
 * yet. Zero means the pipeline has handled everything appended so far.
 */
export async function pipelineLag(tenant: string): Promise<number> {
  const admin = kafkaAdmin();
  await admin.connect();
  try {
    const consumed: [string, TopicKind[]][] = [
      ['validator', [TopicKind.RAW]],
      [
        'storage-writer',
        [
          TopicKind.OBSERVATIONS,
          TopicKind.PERSONAL,
          TopicKind.DERIVED,
          TopicKind.REJECTED,
          TopicKind.SIGNATURES,
        ],
      ],
    ];
    let lag = 0;
    for (const [groupId, kinds] of consumed) {
      const topics = kinds.map((kind) => topicName(tenant, kind));
      const committed = await admin.fetchOffsets({ groupId, topics });
      for (const topic of topics) {
        const ends = await admin.fetchTopicOffsets(topic);
        const offsets = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
        for (const end of ends) {
          const done = Number(offsets.find((entry) => entry.partition === end.partition)?.offset ?? -1);
          lag += Number(end.high) - Math.max(done, Number(end.low));
        }
      }
    }

    return lag;
  } finally {
    await admin.disconnect();
  }
}

/** Runs an InfluxQL statement against the v1 API. */
export async function influxQuery(query: string, database?: string): Promise<any> {
  const url = new URL('/query', setting('STADTDATEN_INFLUXDB_URL'));
  url.searchParams.set('q', query);
  if (database !== undefined) url.searchParams.set('db', database);
  const username = process.env.STADTDATEN_INFLUXDB_USERNAME;
  if (username) {
    url.searchParams.set('u', username);
    url.searchParams.set('p', process.env.STADTDATEN_INFLUXDB_PASSWORD ?? '');
  }
  const response = await fetchTls(url, { method: 'POST', signal: AbortSignal.timeout(10_000) });
  if (!response.ok) {
    throw new Error(`InfluxDB query "${query}" failed with ${response.status}: ${await response.text()}`);
  }

  return response.json();
}

/** Drops every InfluxDB database whose name starts with `<prefix>_`. */
export async function dropInfluxDatabases(prefix: string): Promise<void> {
  const result = await influxQuery('SHOW DATABASES');
  const names: string[] = (result.results?.[0]?.series?.[0]?.values ?? []).map((row: string[]) => row[0]);
  for (const name of names.filter((candidate) => candidate.startsWith(`${prefix}_`))) {
    await influxQuery(`DROP DATABASE "${name}"`);
  }
}
