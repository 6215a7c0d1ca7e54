import { request as requestHttp } from 'node:http';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { devKafka } from './pipeline-state';
import { kafkaPassword, setting } from './production-clients';
import { ProductionHarness, describeProduction } from './production-harness';

const EXIT_TIMEOUT_MS = 30_000;
/** Issuer of the dev services' Keycloak over plain HTTP, a port that only speaks HTTPS. */
const plaintextIssuer = () => setting('STADTDATEN_OIDC_ISSUER').replace('https://', 'http://');

/** Resolves with the error of `body`, or rejects when it succeeds. */
async function failureOf(body: () => Promise<unknown>): Promise<Error & { type?: string; code?: string }> {
  try {
    await body();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure, but the call succeeded');
}

/** Sends GET over plain HTTP and resolves with the status, or rejects when the connection fails. */
function plainHttpStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = requestHttp(url, { timeout: 5_000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.once('timeout', () => request.destroy(new Error('timed out')));
    request.once('error', reject);
    request.end();
  });
}

/** Reads the first record of `topic` as a consumer in `groupId`, or fails after 30 s. */
async function firstRecord(kafka: Kafka, topic: string, groupId: string): Promise<string> {
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const received = new Promise<string>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) });
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no record of ${topic} within 30 s`)), 30_000);
    });

    return await Promise.race([received, timedOut]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
}

describeProduction('TLS and Kafka ACLs', () => {
  let harness: ProductionHarness;
  let admin: Admin;
  let topics: { darmstadt: string; heag: string };
  const tenantReader = () =>
    devKafka('e2e-tenant-darmstadt', 'tenant-darmstadt', kafkaPassword('tenant-darmstadt'));

  beforeAll(async () => {
    harness = await ProductionHarness.create();
    // Topics under the tenants' prefixes that no service subscribes to.
    topics = {
      darmstadt: `stadtdaten.darmstadt.e2e-tls-${harness.runId}`,
      heag: `stadtdaten.heag.e2e-tls-${harness.runId}`,
    };
    admin = devKafka('e2e-tls-admin').admin();
    await admin.connect();
    await admin.createTopics({
      topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 1 })),
      waitForLeaders: true,
    });
    const producer = devKafka('e2e-tls-producer').producer();
    await producer.connect();
    for (const topic of Object.values(topics)) {
      await producer.send({ topic, acks: -1, messages: [{ value: `record of ${topic}` }] });
    }
    await producer.disconnect();
    await harness.start('query-api');
  }, 180_000);

  afterAll(async () => {
    await admin?.deleteTopics({ topics: Object.values(topics ?? {}) }).catch(() => undefined);
    await admin?.disconnect();
    await harness?.dispose();
  }, 120_000);

  describe('listeners', () => {
    it('serves the services over HTTPS', async () => {
      expect(harness.url('query-api')).toMatch(/^https:\/\//);
      expect(await harness.process('query-api').readyStatus()).toBe(200);
    });

    it('rejects plain HTTP on the HTTPS port', async () => {
      const url = `${harness.url('query-api').replace('https://', 'http://')}/health/live`;

      await expect(plainHttpStatus(url)).rejects.toThrow();
    });
  });

  describe('Kafka', () => {
    it('lets tenant-darmstadt read a darmstadt topic', async () => {
      const record = await firstRecord(
        tenantReader(),
        topics.darmstadt,
        `stadtdaten.darmstadt.e2e-${harness.runId}`,
      );

      expect(record).toBe(`record of ${topics.darmstadt}`);
    });

    it('denies tenant-darmstadt a heag topic', async () => {
      const consumer = tenantReader().consumer({ groupId: `stadtdaten.darmstadt.e2e-heag-${harness.runId}` });
      await consumer.connect();
      try {
        const error = await failureOf(() =>
          consumer.subscribe({ topics: [topics.heag], fromBeginning: true }),
        );

        expect(error.type).toBe('TOPIC_AUTHORIZATION_FAILED');
      } finally {
        await consumer.disconnect();
      }
    });

    it('lists only darmstadt topics to tenant-darmstadt', async () => {
      const readerAdmin = tenantReader().admin();
      await readerAdmin.connect();
      try {
        const visible = await readerAdmin.listTopics();

        expect(visible).toContain(topics.darmstadt);
        expect(visible.filter((topic) => !topic.startsWith('stadtdaten.darmstadt.'))).toEqual([]);
      } finally {
        await readerAdmin.disconnect();
      }
    });

    it('rejects a plaintext client', async () => {
      const plaintext = new Kafka({
        brokers: setting('STADTDATEN_KAFKA_BROKERS').split(','),
        clientId: 'e2e-plaintext',
        sasl: { mechanism: 'scram-sha-512', username: 'validator', password: kafkaPassword('validator') },
        connectionTimeout: 3_000,
        retry: { retries: 0 },
        logLevel: logLevel.NOTHING,
      }).admin();

      await expect(plaintext.connect()).rejects.toThrow();
      await plaintext.disconnect();
    });
  });

  describe('PostgreSQL', () => {
    it('rejects a connection without TLS', async () => {
      const url = new URL(setting('STADTDATEN_POSTGRES_URL'));
      url.search = '';
      const client = new Client({ connectionString: url.toString(), ssl: false });
      const error = await failureOf(() => client.connect());
      await client.end().catch(() => undefined);

      expect(error.message).toMatch(/no pg_hba\.conf entry .* no encryption/);
    });
  });

  describe('plaintext settings', () => {
    it('stop a service at start', async () => {
      const child = await harness.launch('query-api', 'query-api-plaintext', {
        STADTDATEN_OIDC_ISSUER: plaintextIssuer(),
        STADTDATEN_ALLOW_PLAINTEXT: undefined,
      });
      const exit = await child.waitExit(EXIT_TIMEOUT_MS);
      const log = child.logLines().join('\n');

      expect(exit).toEqual({ code: 2, signal: null });
      expect(log).toContain(
        'STADTDATEN_OIDC_ISSUER: OIDC http://127.0.0.1:18180 connects without TLS; use an https:// URL',
      );
      expect(log).toContain('add STADTDATEN_ALLOW_PLAINTEXT=true to accept plaintext');
    });

    it('start with STADTDATEN_ALLOW_PLAINTEXT and a warning', async () => {
      const child = await harness.launch('query-api', 'query-api-allowed', {
        STADTDATEN_OIDC_ISSUER: plaintextIssuer(),
        STADTDATEN_ALLOW_PLAINTEXT: 'true',
      });
      await child.waitReady(60_000);
      const warnings = child
        .logLines()
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; msg: string; setting?: string })
        .filter((entry) => entry.msg === 'connection without TLS, allowed by STADTDATEN_ALLOW_PLAINTEXT');

      expect(warnings).toEqual([expect.objectContaining({ level: 40, setting: 'STADTDATEN_OIDC_ISSUER' })]);
    });
  });
});
