import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Clock } from '@stadtdaten/contracts';
import pino from 'pino';
import { Counter, Registry } from 'prom-client';
import type { WebhookTarget } from '../src/definition/analytics-definition.loader';
import { SIGNATURE_HEADER, verifySignature } from '../src/quality/webhook-signature';
import { WebhookSender } from '../src/quality/webhook.sender';
import { waitFor } from './analytics-test-app';

const SECRET = 'test-secret-of-32-characters-abc';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** Starts a webhook receiver on 127.0.0.1 that responds with the next status of `statuses` (the last one repeats). */
async function startReceiver(statuses: number[]): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)];
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

function makeTarget(url: string, overrides: Partial<WebhookTarget> = {}): WebhookTarget {
  return { name: 'ops', url, tenants: ['*'], secret: SECRET, timeout: 2000, maxAttempts: 4, retryBase: 10, retryMax: 40, maxQueue: 10, ...overrides };
}

function makeSender(target: WebhookTarget): { sut: WebhookSender; outcomes: Counter<'webhook' | 'outcome'> } {
  const outcomes = new Counter({ name: 'test_webhook_outcomes', help: 'test', labelNames: ['webhook', 'outcome'] as const, registers: [new Registry()] });

  return { sut: new WebhookSender(target, new Clock(), pino({ level: 'silent' }), outcomes), outcomes };
}

async function outcomeCount(outcomes: Counter<'webhook' | 'outcome'>, outcome: string): Promise<number> {
  const values = (await outcomes.get()).values;

  return values.find((value) => value.labels.outcome === outcome)?.value ?? 0;
}

describe(WebhookSender.name, () => {
  const servers: Server[] = [];

  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  async function receiver(statuses: number[]) {
    const started = await startReceiver(statuses);
    servers.push(started.server);

    return started;
  }

  it('signs the body with HMAC-SHA-256', async () => {
    const { url, received } = await receiver([200]);
    const { sut } = makeSender(makeTarget(url));

    sut.enqueue({ tenant: 'darmstadt', type: 'quality.status_changed', payload: { deviceId: 'sensor-1' } });
    await waitFor(async () => received.length, (count) => count === 1);

    const [request] = received;
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-stadtdaten-event']).toBe('quality.status_changed');
    expect(JSON.parse(request.body)).toEqual({ deviceId: 'sensor-1' });
    expect(verifySignature(SECRET, request.body, String(request.headers[SIGNATURE_HEADER]), Math.floor(Date.now() / 1000))).toBe(true);
    expect(verifySignature('another-secret-of-32-characters!', request.body, String(request.headers[SIGNATURE_HEADER]), Math.floor(Date.now() / 1000))).toBe(false);
    await sut.close();
  });

  it('retries after a server error', async () => {
    const { url, received } = await receiver([500, 503, 200]);
    const { sut, outcomes } = makeSender(makeTarget(url));

    sut.enqueue({ tenant: 'darmstadt', type: 'test', payload: { n: 1 } });
    await waitFor(() => outcomeCount(outcomes, 'delivered'), (count) => count === 1);

    expect(received).toHaveLength(3);
    expect(new Set(received.map((request) => request.headers['x-stadtdaten-delivery'])).size).toBe(1);
    await sut.close();
  });

  it('gives up after maxAttempts', async () => {
    const { url, received } = await receiver([503]);
    const { sut, outcomes } = makeSender(makeTarget(url, { maxAttempts: 3 }));

    sut.enqueue({ tenant: 'darmstadt', type: 'test', payload: {} });
    await waitFor(() => outcomeCount(outcomes, 'failed'), (count) => count === 1);

    expect(received).toHaveLength(3);
    await sut.close();
  });

  it('does not retry a client error', async () => {
    const { url, received } = await receiver([400, 200]);
    const { sut, outcomes } = makeSender(makeTarget(url));

    sut.enqueue({ tenant: 'darmstadt', type: 'test', payload: {} });
    await waitFor(() => outcomeCount(outcomes, 'rejected'), (count) => count === 1);

    expect(received).toHaveLength(1);
    await sut.close();
  });

  it('retries a refused connection', async () => {
    const { url, server, received } = await startReceiver([200]);
    await new Promise((resolve) => server.close(resolve));
    const { sut, outcomes } = makeSender(makeTarget(url, { maxAttempts: 2 }));

    sut.enqueue({ tenant: 'darmstadt', type: 'test', payload: {} });
    await waitFor(() => outcomeCount(outcomes, 'failed'), (count) => count === 1);

    expect(received).toHaveLength(0);
    await sut.close();
  });

  it('delivers in order', async () => {
    const { url, received } = await receiver([200]);
    const { sut } = makeSender(makeTarget(url));

    for (let n = 0; n < 5; n += 1) {
      sut.enqueue({ tenant: 'darmstadt', type: 'test', payload: { n } });
    }
    await waitFor(async () => received.length, (count) => count === 5);

    expect(received.map((request) => JSON.parse(request.body).n)).toEqual([0, 1, 2, 3, 4]);
    await sut.close();
  });

  it('drops the oldest waiting delivery when full', async () => {
    const { url, received } = await receiver([200]);
    const { sut, outcomes } = makeSender(makeTarget(url, { maxQueue: 2 }));

    for (let n = 0; n < 4; n += 1) {
      sut.enqueue({ tenant: 'darmstadt', type: 'test', payload: { n } });
    }
    await waitFor(async () => received.length, (count) => count === 2);

    expect(await outcomeCount(outcomes, 'dropped')).toBe(2);
    expect(received.map((request) => JSON.parse(request.body).n)).toEqual([0, 3]);
    await sut.close();
  });

  it('skips tenants it does not take', async () => {
    const { url } = await receiver([200]);
    const { sut } = makeSender(makeTarget(url, { tenants: ['darmstadt'] }));

    expect(sut.enqueue({ tenant: 'kassel', type: 'test', payload: {} })).toBe(false);
    await sut.close();
  });
});
