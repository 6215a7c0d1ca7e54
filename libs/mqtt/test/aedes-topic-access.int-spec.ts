import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_ISSUER, BuiltinIssuer, LocalTokenVerifier } from '@stadtdaten/auth';
import type { Principal } from '@stadtdaten/contracts';
import { AedesBroker, type TopicAccessPolicy } from '@stadtdaten/mqtt';
import { type MqttClient, connectAsync } from 'mqtt';
import pino from 'pino';

/** SUBACK return code of a rejected subscription in MQTT 3.1.1. */
const SUBACK_FAILURE = 128;

/** Policy for `live/`: subscriptions to `live/open/…` only, `live/open/members/…` for darmstadt clients only. */
class RecordingPolicy implements TopicAccessPolicy {
  readonly prefix = 'live/';
  skipped = 0;

  async authorizeSubscribe(_principal: Principal | undefined, topicFilter: string): Promise<boolean> {
    return topicFilter.startsWith('live/open/');
  }

  authorizeDelivery(principal: Principal | undefined, topic: string): boolean {
    return !topic.startsWith('live/open/members/') || principal?.tenant === 'darmstadt';
  }

  deliverySkipped(): void {
    this.skipped += 1;
  }
}

async function grantedQos(client: MqttClient, topic: string): Promise<number> {
  try {
    const [grant] = await client.subscribeAsync(topic, { qos: 0 });

    return grant.qos;
  } catch (error) {
    // mqtt.js rejects the promise of a rejected subscription and attaches the SUBACK packet.
    const granted = (error as { packet?: { granted?: number[] } }).packet?.granted;
    if (granted === undefined) {
      throw error;
    }

    return granted[0];
  }
}

/** Polls until `condition` holds; fails after `timeoutMs`. */
async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe(`${AedesBroker.name} topic access`, () => {
  let dataDir: string;
  let issuer: BuiltinIssuer;
  let sut: AedesBroker;
  let policy: RecordingPolicy;
  let url: string;
  const clients: MqttClient[] = [];

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'stadtdaten-aedes-'));
    issuer = await BuiltinIssuer.open(dataDir);
    sut = new AedesBroker({
      host: '127.0.0.1',
      port: 0,
      verifier: new LocalTokenVerifier([issuer.publicJwk], BUILTIN_ISSUER),
      logger: pino({ level: 'silent' }),
    });
    policy = new RecordingPolicy();
    await sut.start(async () => undefined);
    url = `mqtt://127.0.0.1:${sut.port}`;
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
    await sut.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function connect(token?: string): Promise<MqttClient> {
    const client = await connectAsync(url, {
      ...(token === undefined ? {} : { username: 'test', password: token }),
      reconnectPeriod: 0,
    });
    clients.push(client);

    return client;
  }

  it('rejects anonymous logins without a policy', async () => {
    await expect(connectAsync(url, { reconnectPeriod: 0 })).rejects.toThrow(/Bad username or password/);
  });

  it('hands subscriptions below the prefix to the policy', async () => {
    sut.useTopicAccess(policy);
    const anonymous = await connect();

    expect(await grantedQos(anonymous, 'live/open/a')).toBe(0);
    expect(await grantedQos(anonymous, 'live/closed/a')).toBe(SUBACK_FAILURE);
    expect(await grantedQos(anonymous, 'stadtdaten/darmstadt/x/up')).toBe(SUBACK_FAILURE);
    expect(await grantedQos(anonymous, '#')).toBe(SUBACK_FAILURE);
  });

  it('delivers by the policy per client', async () => {
    sut.useTopicAccess(policy);
    const anonymous = await connect();
    const member = await connect(
      await issuer.issue({ tenant: 'darmstadt', roles: ['analyst'], subject: 'm' }),
    );
    const seen = { anonymous: [] as string[], member: [] as string[] };
    anonymous.on('message', (topic) => seen.anonymous.push(topic));
    member.on('message', (topic) => seen.member.push(topic));
    await grantedQos(anonymous, 'live/open/#');
    await grantedQos(member, 'live/open/#');

    await sut.publish('live/open/members/a', 'internal');
    await sut.publish('live/open/all/a', 'public');
    await waitUntil(() => seen.anonymous.length === 1 && seen.member.length === 2);

    expect(seen.anonymous).toEqual(['live/open/all/a']);
    expect(seen.member).toEqual(['live/open/members/a', 'live/open/all/a']);
  });

  it('rejects an anonymous publish to ingest', async () => {
    sut.useTopicAccess(policy);
    const anonymous = await connect();
    const closed = new Promise<void>((resolve) => anonymous.once('close', () => resolve()));

    anonymous.publish('stadtdaten/darmstadt/x/up', '{}', { qos: 1 });

    await expect(closed).resolves.toBeUndefined();
  });

  it('tells whether a topic tree has subscribers', async () => {
    sut.useTopicAccess(policy);
    expect(sut.hasSubscribers('live/')).toBe(false);
    const anonymous = await connect();

    await grantedQos(anonymous, 'live/closed/a');
    expect(sut.hasSubscribers('live/')).toBe(false);
    await grantedQos(anonymous, 'live/open/a');
    expect(sut.hasSubscribers('live/')).toBe(true);
    await anonymous.unsubscribeAsync('live/open/a');
    expect(sut.hasSubscribers('live/')).toBe(false);
    await grantedQos(anonymous, 'live/open/b');
    await anonymous.endAsync();
    await waitUntil(() => sut.hasSubscribers('live/') === false);
  });

  it('skips messages to a client that stops reading and keeps publishing', async () => {
    sut.useTopicAccess(policy);
    const stalled = await connect();
    const reader = await connect();
    let readerCount = 0;
    reader.on('message', () => {
      readerCount += 1;
    });
    await grantedQos(stalled, 'live/open/all/#');
    await grantedQos(reader, 'live/open/all/#');
    (stalled.stream as Socket).pause();
    const payload = Buffer.alloc(8 * 1024, 1);
    const messages = 2000;

    // 16 MiB in all, more than the loopback socket buffers take, so the stalled client's backlog builds.
    for (let sent = 0; sent < messages; sent += 1) {
      await sut.publish('live/open/all/bulk', payload);
    }
    await waitUntil(() => readerCount === messages, 30_000);

    expect(policy.skipped).toBeGreaterThan(0);
    expect(readerCount).toBe(messages);
  });
});
