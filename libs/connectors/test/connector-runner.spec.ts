import { FixedClock, RejectionCode, RejectionError } from '@stadtdaten/contracts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ConnectorMessage,
  type ConnectorRejection,
  ConnectorRunner,
  connectorSchema,
  type DeviceDirectory,
  type FeatureRegistration,
  HttpFetcher,
  type SourceDecoder,
} from '../src';

/**
 * Lines `key;field;value;iso-time` plus `#feature key;name;lon;lat` lines; `#next url` names
 * a next page. A value "x" is a problem, "-" counts as missing, "!" rejects the whole input.
 */
const lineDecoder: SourceDecoder = {
  name: 'lines',
  description: 'test lines',
  decode(input, ctx) {
    const text = Buffer.from(input).toString();
    if (text.includes('!')) {
      throw new RejectionError(RejectionCode.MALFORMED_PAYLOAD, `${ctx.sourceName} is broken`);
    }
    const result = { features: [], records: [], problems: [], missing: 0 } as ReturnType<SourceDecoder['decode']>;
    text.split('\n').forEach((line, index) => {
      const position = `line ${index + 1}`;
      if (line.startsWith('#feature ')) {
        const [key, name, lon, lat] = line.slice(9).split(';');
        result.features.push({ key: key!, name, geometry: lon ? { type: 'Point', coordinates: [Number(lon), Number(lat)] } : undefined });
      } else if (line.startsWith('#next ')) {
        result.next = line.slice(6);
      } else if (line !== '') {
        const [featureKey, field, value, time] = line.split(';');
        if (value === '-') {
          result.missing += 1;
        } else if (value === 'x') {
          result.problems.push(
            new RejectionError(RejectionCode.INVALID_PAYLOAD, `"x" is not a number`, { details: { position, value, featureKey } }),
          );
        } else {
          result.records.push({ featureKey: featureKey!, field: field!, value: Number(value), unit: '%', timeMs: Date.parse(time!), position });
        }
      }
    });
    return result;
  },
};

class MemoryDirectory implements DeviceDirectory {
  readonly devices = new Set<string>();
  readonly registered: FeatureRegistration[] = [];
  mappingProblems: string[] = [];

  async checkMapping() {
    return this.mappingProblems;
  }

  async existingDevices(_tenant: string, ids: readonly string[]) {
    return new Set(ids.filter((id) => this.devices.has(id)));
  }

  async register(_tenant: string, entries: readonly FeatureRegistration[]) {
    for (const entry of entries) {
      this.devices.add(entry.deviceId);
      this.registered.push(entry);
    }
  }
}

function setup(definitionInput: Record<string, unknown>) {
  const published: ConnectorMessage[] = [];
  const rejected: ConnectorRejection[] = [];
  const directory = new MemoryDirectory();
  const runner = new ConnectorRunner(
    [lineDecoder],
    { publish: async (message) => void published.push(message), reject: async (entry) => void rejected.push(entry) },
    directory,
    new FixedClock(Date.parse('2026-12-01T12:00:00Z')),
    new HttpFetcher({ sleep: async () => undefined }),
  );
  const definition = connectorSchema.parse({
    name: 'test-lines',
    tenant: 'darmstadt',
    decoder: 'lines',
    mapping: { deviceType: 'fill-sensor', deviceId: 'glass-{key}' },
    ...definitionInput,
  });

  return { runner, definition, published, rejected, directory };
}

const pack = (message: ConnectorMessage) => JSON.parse(Buffer.from(message.payload).toString()) as Record<string, unknown>[];

describe('ConnectorRunner', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stadtdaten-connector-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('publishes known devices as SenML, dead-letters problems and unknown devices', async () => {
    const file = join(dir, 'a.txt');
    writeFileSync(file, ['A1;fill;40;2026-12-01T10:00:00Z', 'A1;fill;45;2026-12-01T10:15:00Z', 'B2;fill;x;2026-12-01T10:00:00Z', 'B2;fill;-;2026-12-01T10:15:00Z', 'C3;fill;70;2026-12-01T10:00:00Z'].join('\n'));
    const { runner, definition, published, rejected, directory } = setup({ source: { file } });
    directory.devices.add('glass-a1');

    const report = await runner.run(definition);

    expect(report).toMatchObject({ outcome: 'succeeded', inputs: 1, inputsTotal: 1, records: 3, published: 2, messages: 1, deadLettered: 2, missing: 1 });
    expect(published[0]).toMatchObject({ tenant: 'darmstadt', deviceId: 'glass-a1', format: 'senml', topic: `connector/test-lines${file}` });
    expect(pack(published[0]!)).toEqual([
      { n: 'fill', t: Date.parse('2026-12-01T10:00:00Z') / 1000, u: '%', v: 40 },
      { n: 'fill', t: Date.parse('2026-12-01T10:15:00Z') / 1000, u: '%', v: 45 },
    ]);
    const reasons = rejected.map((entry) => [entry.reasonCode, entry.deviceId]);
    expect(reasons).toEqual([
      [RejectionCode.INVALID_PAYLOAD, 'glass-b2'],
      [RejectionCode.UNKNOWN_DEVICE, 'glass-c3'],
    ]);
    expect(rejected[0]!.detail).toBe(`${file}, line 3: "x" is not a number`);
    expect(rejected[1]!.detail).toContain('(first at line 5) belong to device "glass-c3"');
    expect(rejected[1]!.detail).toContain('set mapping.register: true');
  });

  it('registers new features with a location and maps fields', async () => {
    const file = join(dir, 'b.txt');
    writeFileSync(file, ['#feature P 1;Parkhaus Eins;8.65;49.87', '#feature P2;Ohne Ort', 'P 1;free;12;2026-12-01T10:00:00Z', 'P 1;other;1;2026-12-01T10:00:00Z', 'P2;free;3;2026-12-01T10:00:00Z'].join('\n'));
    const { runner, definition, published, rejected, directory } = setup({
      source: { file },
      mapping: { deviceType: 'parking', deviceId: 'park-{key}', register: true, useCase: 'parking', fields: { free: 'free_spaces' } },
    });

    const report = await runner.run(definition);

    expect(directory.registered.map((entry) => [entry.deviceId, entry.feature.name, entry.deviceType])).toEqual([['park-p-1', 'Parkhaus Eins', 'parking']]);
    expect(report).toMatchObject({ registered: 1, published: 1, dropped: 1, deadLettered: 1 });
    expect(pack(published[0]!)[0]).toMatchObject({ n: 'free_spaces', v: 12 });
    expect(rejected[0]!.detail).toContain('gives no location for it');
  });

  it('dead-letters an input that cannot be read as a whole and goes on with the next file', async () => {
    const folder = join(dir, 'folder');
    require('node:fs').mkdirSync(folder);
    writeFileSync(join(folder, '1.txt'), 'broken!');
    writeFileSync(join(folder, '2.txt'), 'A1;fill;1;2026-12-01T10:00:00Z');
    writeFileSync(join(folder, 'skip.csv'), 'A1;fill;2;2026-12-01T10:00:00Z');
    const { runner, definition, published, rejected, directory } = setup({ source: { folder, pattern: '*.txt' } });
    directory.devices.add('glass-a1');
    const progress: number[] = [];

    const report = await runner.run(definition, { onProgress: (r) => progress.push(r.bytes) });

    expect(report).toMatchObject({ outcome: 'succeeded', inputs: 2, inputsTotal: 2, published: 1, deadLettered: 1 });
    expect(rejected[0]).toMatchObject({ reasonCode: RejectionCode.MALFORMED_PAYLOAD, detail: `${join(folder, '1.txt')}: ${join(folder, '1.txt')} is broken` });
    expect(published).toHaveLength(1);
    expect(progress.at(-1)).toBe(report.bytesTotal);
  });

  it('splits many values into messages of chunkSize', async () => {
    const file = join(dir, 'c.txt');
    const lines = Array.from({ length: 25 }, (_, i) => `A1;fill;${i};2026-12-01T${String(i % 24).padStart(2, '0')}:${i >= 24 ? '30' : '00'}:00Z`);
    writeFileSync(file, lines.join('\n'));
    const { runner, definition, published, directory } = setup({ source: { file }, chunkSize: 10 });
    directory.devices.add('glass-a1');

    const report = await runner.run(definition);

    expect(published.map((message) => pack(message).length)).toEqual([10, 10, 5]);
    expect(report.messages).toBe(3);
  });

  it('fails a run whose mapping the registry does not know', async () => {
    const file = join(dir, 'd.txt');
    writeFileSync(file, 'A1;fill;1;2026-12-01T10:00:00Z');
    const { runner, definition, directory, published } = setup({ source: { file } });
    directory.mappingProblems = ['mapping.deviceType "fill-sensor" is not a device type of tenant "darmstadt"'];

    const report = await runner.run(definition);

    expect(report.outcome).toBe('failed');
    expect(report.error).toBe('connector "test-lines": mapping.deviceType "fill-sensor" is not a device type of tenant "darmstadt"');
    expect(published).toHaveLength(0);
  });

  it('warns about mapping entries that matched nothing', async () => {
    const file = join(dir, 'e.txt');
    writeFileSync(file, 'A1;fill;1;2026-12-01T10:00:00Z');
    const { runner, definition, directory } = setup({
      source: { file },
      mapping: { deviceType: 'fill-sensor', deviceId: 'glass-{key}', fields: { fil: 'fill', fill: 'fill' }, keys: ['A1', 'B9'] },
    });
    directory.devices.add('glass-a1');

    const report = await runner.run(definition);

    expect(report.warnings).toEqual([
      'mapping.fields names "fil", which the decoder did not produce; it produced fill',
      'mapping.keys names "B9", which the source did not contain',
    ]);
  });

  it('reports a missing file as a failed run', async () => {
    const { runner, definition } = setup({ source: { file: join(dir, 'absent.txt') } });
    const report = await runner.run(definition);
    expect(report.outcome).toBe('failed');
    expect(report.error).toContain('cannot read the file');
  });

  describe('url sources', () => {
    let server: Server;
    let base = '';
    let body = 'A1;fill;1;2026-12-01T10:00:00Z\n#next /page2';
    const requests: string[] = [];

    beforeAll(async () => {
      server = createServer((request, response) => {
        requests.push(`${request.url} ${request.headers['if-none-match'] ?? ''}`);
        if (request.url === '/page2') {
          response.writeHead(200).end('A1;fill;2;2026-12-01T10:15:00Z\n#next http://localhost:9/elsewhere');
        } else if (request.url === '/page3') {
          response.writeHead(200).end('A1;fill;3;2026-12-01T10:30:00Z');
        } else if (request.headers['if-none-match'] === '"same"') {
          response.writeHead(304).end();
        } else {
          response.writeHead(200, request.url === '/etag' ? { etag: '"same"' } : {}).end(body);
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('follows next pages on the same server only', async () => {
      const { runner, definition, directory } = setup({ source: { url: `${base}/data` } });
      directory.devices.add('glass-a1');
      const report = await runner.run(definition);
      expect(report.outcome).toBe('failed');
      expect(report.error).toContain('is on another server');
      expect(report.published).toBe(2);
    });

    it('skips an unchanged source by ETag and by content', async () => {
      body = 'A1;fill;1;2026-12-01T10:00:00Z\n#next /page3';
      const { runner, definition, directory } = setup({ source: { url: `${base}/etag` } });
      directory.devices.add('glass-a1');
      expect((await runner.run(definition)).outcome).toBe('succeeded');
      expect((await runner.run(definition)).outcome).toBe('not-modified');

      const plain = setup({ source: { url: `${base}/plain` } });
      plain.directory.devices.add('glass-a1');
      expect((await plain.runner.run(plain.definition)).published).toBe(2);
      const again = await plain.runner.run(plain.definition);
      expect(again).toMatchObject({ outcome: 'not-modified', published: 0 });
      body = 'A1;fill;9;2026-12-01T11:00:00Z';
      expect(await plain.runner.run(plain.definition)).toMatchObject({ outcome: 'succeeded', published: 1 });
    });
  });
});
