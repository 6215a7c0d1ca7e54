import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_ISSUER, BuiltinIssuer, LocalTokenVerifier } from '@stadtdaten/auth';
import { AedesBroker, type InboundMqttMessage } from '@stadtdaten/mqtt';
import { connectAsync } from 'mqtt';
import pino from 'pino';
import { watchPacketSize } from '../src/packet-size.guard';

/** Encodes a PUBLISH fixed header (QoS 0) with the given remaining length in MQTT's variable-length form. */
function fixedHeader(remainingLength: number): Buffer {
  const bytes = [0x30];
  let rest = remainingLength;
  do {
    const digit = rest % 128;
    rest = Math.floor(rest / 128);
    bytes.push(rest > 0 ? digit | 0x80 : digit);
  } while (rest > 0);

  return Buffer.from(bytes);
}

function watchedChunks(chunks: Buffer[], maxPacketBytes: number): number[] {
  const socket = new EventEmitter() as unknown as Socket;
  const tooLarge: number[] = [];
  watchPacketSize(socket, maxPacketBytes, (stated) => tooLarge.push(stated));
  for (const chunk of chunks) {
    socket.emit('data', chunk);
  }

  return tooLarge;
}

describe('watchPacketSize', () => {
  it.each([
    ['packets within the limit', [fixedHeader(100), Buffer.alloc(100), fixedHeader(10), Buffer.alloc(10)], []],
    ['a packet over the limit', [fixedHeader(100), Buffer.alloc(100), fixedHeader(5000)], [5003]],
    ['a length split across chunks', [Buffer.from([0x30, 0x88]), Buffer.from([0x27])], [5003]],
    ['a body split across chunks', [fixedHeader(300), Buffer.alloc(150), Buffer.alloc(150), fixedHeader(4000)], [4003]],
    ['a fifth length byte', [Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff])], [268435460]],
  ])('%s', (_case, chunks, expected) => {
    expect(watchedChunks(chunks, 1024)).toEqual(expected);
  });
});

describe(`${AedesBroker.name} packet size`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stadtdaten-aedes-size-'));
  const received: InboundMqttMessage[] = [];
  const warnings: string[] = [];
  let broker: AedesBroker;
  let token: string;

  beforeAll(async () => {
    const issuer = await BuiltinIssuer.open(dataDir);
    token = await issuer.issue({ tenant: 'darmstadt', roles: ['device'], subject: 'meter-1' });
    broker = new AedesBroker({
      host: '127.0.0.1',
      port: 0,
      verifier: new LocalTokenVerifier([issuer.publicJwk], BUILTIN_ISSUER),
      logger: pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) }),
      maxPacketBytes: 8192,
    });
    await broker.start(async (message) => {
      received.push(message);
    });
  });

  afterAll(async () => {
    await broker.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('closes connection over packet limit', async () => {
    const client = await connectAsync(`mqtt://127.0.0.1:${broker.port}`, { username: 'meter-1', password: token, reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await client.publishAsync('stadtdaten/darmstadt/meter-1/up', Buffer.alloc(4000, 0x20), { qos: 1 });

    client.publish('stadtdaten/darmstadt/meter-1/up', Buffer.alloc(100_000, 0x20), { qos: 1 });
    await closed;
    client.end(true);

    expect(received.map((message) => message.payload.byteLength)).toEqual([4000]);
    expect(warnings.join('\n')).toContain('mqtt packet larger than maxPacketBytes');
  });
});
