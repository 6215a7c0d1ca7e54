import { type AddressInfo, type Server, createServer } from 'node:net';
import Aedes, { type Client } from 'aedes';
import pino from 'pino';
import { StaMqttClient, connectionClientId } from './sta-mqtt.client';

/** Bound of each wait for a connection; mqtt.js reconnects 5 s after a close. */
const WAIT_MS = 15_000;

describe('connectionClientId', () => {
  it('appends 16 hex digits to the prefix', () => {
    expect(connectionClientId('stadtdaten-sta-pod-1')).toMatch(/^stadtdaten-sta-pod-1-[0-9a-f]{16}$/);
  });

  it('differs on every call', () => {
    const ids = new Set(Array.from({ length: 100 }, () => connectionClientId('stadtdaten-sta')));

    expect(ids.size).toBe(100);
  });
});

describe('StaMqttClient', () => {
  let broker: Aedes;
  let server: Server;
  let client: StaMqttClient | undefined;
  const connected: Client[] = [];

  /** Waits until the broker has seen `count` connections, for at most WAIT_MS. */
  async function waitForConnections(count: number): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (connected.length < count && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(connected.length).toBeGreaterThanOrEqual(count);
  }

  beforeEach(async () => {
    broker = new Aedes();
    broker.on('client', (entry) => connected.push(entry));
    server = createServer(broker.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    await client?.close();
    connected.length = 0;
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('reconnects with a new client id', async () => {
    const port = (server.address() as AddressInfo).port;
    client = new StaMqttClient(
      { url: `mqtt://127.0.0.1:${port}`, clientId: 'stadtdaten-sta' },
      pino({ level: 'silent' }),
    );
    client.start();
    await waitForConnections(1);

    connected[0].close();
    await waitForConnections(2);

    expect(connected[0].id).toMatch(/^stadtdaten-sta-[0-9a-f]{16}$/);
    expect(connected[1].id).toMatch(/^stadtdaten-sta-[0-9a-f]{16}$/);
    expect(connected[1].id).not.toBe(connected[0].id);
  }, 30_000);
});
