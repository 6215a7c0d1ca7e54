import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ErrorCode, observationId } from '@stadtdaten/contracts';
import { InfluxTimeSeriesStore } from '@stadtdaten/timeseries';
import { pino } from 'pino';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const logger = pino({ level: 'silent' });

/** Starts an HTTP server on 127.0.0.1 that returns 204 to /ping and passes every other request to `handler`. */
async function startServer(handler: Handler): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    if (request.url?.startsWith('/ping')) {
      response.writeHead(204, { 'X-Influxdb-Version': 'test' }).end();
      return;
    }
    request.resume();
    request.on('end', () => handler(request, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function respond(status: number, body: string): Handler {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(body);
  };
}

const observation = {
  id: observationId('darmstadt', 'ds-1', 0),
  tenant: 'darmstadt',
  datastreamId: 'ds-1',
  phenomenonTimeMs: 0,
  resultTimeMs: 0,
  receivedAtMs: 0,
  result: 1,
  qualityFlags: [],
  storageProfile: 'de',
};

describe(`${InfluxTimeSeriesStore.name} HTTP errors`, () => {
  const servers: Server[] = [];
  let sut: InfluxTimeSeriesStore;

  async function connectTo(handler: Handler, requestTimeoutMs = 2_000): Promise<void> {
    const { server, url } = await startServer(handler);
    servers.push(server);
    // Without createDatabases, the handler receives only the requests under test.
    sut = new InfluxTimeSeriesStore({
      url,
      username: 'writer',
      password: 'secret',
      databaseLayout: 'per-tenant-profile',
      logger,
      requestTimeoutMs,
      createDatabases: false,
    });
    await sut.connect();
  }

  afterEach(async () => {
    await sut?.close();
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it.each([
    [503, '{"error":"engine: cache maximum memory size exceeded"}'],
    [500, '{"error":"timeout"}'],
    [429, ''],
  ])('marks status %d retriable', async (status, body) => {
    await connectTo(respond(status, body));

    await expect(sut.write([observation])).rejects.toMatchObject({
      code: ErrorCode.UNAVAILABLE,
      retriable: true,
      details: expect.objectContaining({ status }),
    });
  });

  it('marks a timeout retriable', async () => {
    await connectTo(() => undefined, 200);

    await expect(sut.write([observation])).rejects.toMatchObject({
      code: ErrorCode.UNAVAILABLE,
      retriable: true,
      message: expect.stringContaining('timed out after 200 ms'),
    });
  });

  it('names a field type conflict', async () => {
    const serverError =
      'partial write: field type conflict: input field "value" on measurement "observations" is type float, already exists as type string dropped=1';
    await connectTo(respond(400, JSON.stringify({ error: serverError })));

    const error = await sut.write([observation]).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: ErrorCode.CONFLICT, retriable: false });
    expect((error as Error).message).toContain(serverError);
  });

  it('reports rejected credentials without the password', async () => {
    await connectTo(respond(401, '{"error":"authorization failed"}'));

    const error = await sut.count('darmstadt').catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: ErrorCode.INVALID_CONFIG, retriable: false });
    expect((error as Error).message).toContain('authorization failed');
    expect(JSON.stringify(error)).not.toContain('secret');
  });

  it('sends basic auth', async () => {
    let authorization: string | undefined;
    await connectTo((request, response) => {
      authorization = request.headers.authorization;
      respond(204, '')(request, response);
    });

    await sut.write([observation]);

    expect(authorization).toBe(`Basic ${Buffer.from('writer:secret').toString('base64')}`);
  });

  it('rejects a statement error', async () => {
    await connectTo(
      respond(200, '{"results":[{"statement_id":0,"error":"error parsing query: found EOF"}]}'),
    );

    await expect(sut.count('darmstadt')).rejects.toMatchObject({
      code: ErrorCode.VALIDATION_FAILED,
      message: expect.stringContaining('error parsing query: found EOF'),
    });
  });

  it('fails to connect to a closed port', async () => {
    const { server, url } = await startServer(respond(204, ''));
    await new Promise((resolve) => server.close(resolve));
    sut = new InfluxTimeSeriesStore({ url, databaseLayout: 'single', database: 'x', logger });

    await expect(sut.connect()).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE, retriable: true });
    expect(await sut.isHealthy()).toBe(false);
  });
});
