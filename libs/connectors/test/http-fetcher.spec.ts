import { createTestPki } from '@stadtdaten/testing';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectorSchema, type ConnectorSource, HttpFetcher } from '../src';

type Handler = (request: IncomingMessage, response: ServerResponse, count: number) => void;

async function listen(server: Server, handler: Handler): Promise<string> {
  let count = 0;
  server.on('request', (request, response) => handler(request, response, ++count));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function source(overrides: Partial<ConnectorSource> = {}): ConnectorSource {
  const parsed = connectorSchema.parse({
    name: 'test',
    tenant: 'darmstadt',
    decoder: 'any',
    source: { url: 'http://127.0.0.1/', retryBaseMs: 100, timeoutSeconds: 2, ...overrides },
    mapping: { deviceType: 'demo', deviceId: 'd-{key}' },
  });

  return parsed.source;
}

describe('HttpFetcher', () => {
  const servers: Server[] = [];
  const delays: number[] = [];
  const fetcher = new HttpFetcher({ sleep: async (ms) => void delays.push(ms), random: () => 0.5 });

  async function serve(handler: Handler): Promise<string> {
    const server = createHttpServer();
    servers.push(server);
    return `http://${await listen(server, handler)}/data`;
  }

  beforeEach(() => {
    delays.length = 0;
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('returns the body and its ETag, then 304 for the same ETag', async () => {
    const url = await serve((request, response) => {
      if (request.headers['if-none-match'] === '"v1"') {
        response.writeHead(304).end();
        return;
      }
      response.writeHead(200, { etag: '"v1"', 'content-type': 'text/csv' }).end('a;b\n1;2\n');
    });
    const first = await fetcher.fetch(url, source(), {});
    expect(first.kind).toBe('body');
    if (first.kind !== 'body') return;
    expect(Buffer.from(first.bytes).toString()).toBe('a;b\n1;2\n');
    expect(first.conditional.etag).toBe('"v1"');

    const second = await fetcher.fetch(url, source(), first.conditional);
    expect(second).toEqual({ kind: 'not-modified', attempts: 1 });
  });

  it('sends If-Modified-Since from Last-Modified', async () => {
    const stamp = 'Wed, 02 Dec 2026 10:00:00 GMT';
    const url = await serve((request, response) => {
      if (request.headers['if-modified-since'] === stamp) {
        response.writeHead(304).end();
        return;
      }
      response.writeHead(200, { 'last-modified': stamp }).end('x');
    });
    const first = await fetcher.fetch(url, source(), {});
    if (first.kind !== 'body') throw new Error('expected a body');
    expect(first.conditional.lastModified).toBe(stamp);
    expect((await fetcher.fetch(url, source(), first.conditional)).kind).toBe('not-modified');
  });

  it('retries 503 with growing jittered backoff and succeeds', async () => {
    const url = await serve((_request, response, count) => {
      if (count <= 2) {
        response.writeHead(503).end('busy');
        return;
      }
      response.writeHead(200).end('ok');
    });
    const outcome = await fetcher.fetch(url, source({ retries: 3 }), {});
    expect(outcome.kind).toBe('body');
    expect(outcome.attempts).toBe(3);
    expect(delays).toEqual([50, 100]);
  });

  it('gives up after the configured retries and names the status', async () => {
    const url = await serve((_request, response) => response.writeHead(502).end());
    await expect(fetcher.fetch(url, source({ retries: 2 }), {})).rejects.toThrow(`GET ${url} answered 502`);
    expect(delays).toHaveLength(2);
  });

  it('fails a 404 at once without retrying', async () => {
    const url = await serve((_request, response) => response.writeHead(404).end());
    await expect(fetcher.fetch(url, source({ retries: 3 }), {})).rejects.toThrow('answered 404; check the URL');
    expect(delays).toHaveLength(0);
  });

  it('waits at least Retry-After on 429', async () => {
    const url = await serve((_request, response, count) => {
      if (count === 1) {
        response.writeHead(429, { 'retry-after': '7' }).end();
        return;
      }
      response.writeHead(200).end('ok');
    });
    await fetcher.fetch(url, source(), {});
    expect(delays).toEqual([7000]);
  });

  it('times out a slow source and retries it', async () => {
    const url = await serve((_request, response, count) => {
      if (count === 1) {
        setTimeout(() => response.writeHead(200).end('late'), 1500);
        return;
      }
      response.writeHead(200).end('fast');
    });
    const outcome = await fetcher.fetch(url, source({ timeoutSeconds: 0.3 }), {});
    if (outcome.kind !== 'body') throw new Error('expected a body');
    expect(Buffer.from(outcome.bytes).toString()).toBe('fast');
    expect(outcome.attempts).toBe(2);
  });

  it('retries a truncated body', async () => {
    const url = await serve((_request, response, count) => {
      response.writeHead(200, { 'content-length': '10' });
      if (count === 1) {
        response.write('12345');
        response.socket?.destroy();
        return;
      }
      response.end('1234567890');
    });
    const outcome = await fetcher.fetch(url, source(), {});
    if (outcome.kind !== 'body') throw new Error('expected a body');
    expect(Buffer.from(outcome.bytes).toString()).toBe('1234567890');
    expect(outcome.attempts).toBe(2);
  });

  it('stops reading at the size limit, with or without Content-Length', async () => {
    const declared = await serve((_request, response) => response.writeHead(200, { 'content-length': '2000' }).end('x'.repeat(2000)));
    await expect(fetcher.fetch(declared, source({ maxBytes: 1000 }), {})).rejects.toThrow('more than 1000 bytes (2000 so far); raise source.maxBytes');

    const chunked = await serve((_request, response) => {
      response.writeHead(200);
      for (let i = 0; i < 5; i += 1) response.write('y'.repeat(400));
      response.end();
    });
    await expect(fetcher.fetch(chunked, source({ maxBytes: 1000 }), {})).rejects.toThrow('more than 1000 bytes');
    expect(delays).toHaveLength(0);
  });

  it('reads header values from the environment', async () => {
    const seen: string[] = [];
    const url = await serve((request, response) => {
      seen.push(String(request.headers.authorization));
      response.writeHead(200).end('ok');
    });
    const withEnv = new HttpFetcher({ env: { PARKING_TOKEN: 'Bearer abc' } });
    await withEnv.fetch(url, source({ headers: { Authorization: 'env:PARKING_TOKEN' } }), {});
    expect(seen).toEqual(['Bearer abc']);
    await expect(
      new HttpFetcher({ env: {} }).fetch(url, source({ headers: { Authorization: 'env:PARKING_TOKEN' } }), {}),
    ).rejects.toThrow('environment variable PARKING_TOKEN, which is not set');
  });

  describe('client certificate', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stadtdaten-pki-'));
    const pki = createTestPki(dir, 'parking-connector');
    let url = '';
    const server = createHttpsServer({
      key: readFileSync(pki.serverKey),
      cert: readFileSync(pki.serverCert),
      ca: readFileSync(pki.caCert),
      requestCert: true,
      rejectUnauthorized: true,
    });

    beforeAll(async () => {
      url = `https://${await listen(server, (request, response) => {
        const peer = (request.socket as import('node:tls').TLSSocket).getPeerCertificate();
        response.writeHead(200).end(`hello ${peer.subject.CN}`);
      })}/data`;
    });

    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    });

    it('authenticates with the configured certificate', async () => {
      const outcome = await fetcher.fetch(
        url,
        source({ clientCertificate: { cert: pki.clientCert, key: pki.clientKey, ca: pki.caCert } }),
        {},
      );
      if (outcome.kind !== 'body') throw new Error('expected a body');
      expect(Buffer.from(outcome.bytes).toString()).toBe('hello parking-connector');
    });

    it('fails without a certificate', async () => {
      await expect(fetcher.fetch(url, source({ retries: 0 }), {})).rejects.toThrow(`GET ${url} failed`);
    });
  });
});
