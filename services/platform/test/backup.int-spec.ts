import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { restoreBackup, writeBackup } from '../src/cli/backup-archive';
import type { RunningPlatform } from '../src/platform';
import { applyCatalog, getJson, startTestPlatform, waitFor, waterMeterCatalog } from './helpers';

const PASSPHRASE = 'correct horse battery staple';

const CATALOG = waterMeterCatalog(`
things:
  - { tenant: darmstadt, id: house-1, name: Haus 1, useCase: other, location: { type: Point, coordinates: [8.65, 49.87] } }
devices:
  - { tenant: darmstadt, id: street-1, type: meter, thing: house-1, classification: public }
  - { tenant: darmstadt, id: flat-1, type: meter, thing: house-1, classification: personal, owner: "mieter@example.org" }
`);

const RANGE = 'from=2026-11-01T00:00:00Z&to=2026-12-31T00:00:00Z';

describe('backup and restore', () => {
  const work = mkdtempSync(join(tmpdir(), 'stadtdaten-backup-'));
  const archive = join(work, 'platform.backup');
  let source: { platform: RunningPlatform; dataDir: string; cleanup: () => void };

  afterAll(() => {
    source.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  async function answers(platform: RunningPlatform) {
    const reader = await platform.issueToken('darmstadt', ['analyst', 'personal-data-reader', 'tenant-admin'], 'reader');
    const paths = [
      '/api/v1/tenants/darmstadt/things',
      '/api/v1/tenants/darmstadt/datastreams',
      `/api/v1/tenants/darmstadt/datastreams/street-1.litres/observations?${RANGE}`,
      `/api/v1/tenants/darmstadt/datastreams/flat-1.litres/observations?${RANGE}`,
      '/api/v1/tenants/darmstadt/rejections',
    ];
    const bodies = [];
    for (const path of paths) {
      bodies.push((await getJson(platform, path, reader)).body);
    }
    const id = bodies[2].observations[0].id;
    bodies.push((await getJson(platform, `/api/v1/observations/${id}/proof`)).body);

    return bodies;
  }

  it('restores into an empty platform that gives the same answers', async () => {
    source = await startTestPlatform();
    const { platform } = source;
    await applyCatalog(platform, CATALOG);
    const device = await platform.issueToken('darmstadt', ['device'], 'meters');
    for (const [id, body] of [
      ['street-1', { time: '2026-11-30T08:00:00Z', litres: 1200 }],
      ['flat-1', { time: '2026-11-30T08:00:00Z', litres: 73.5 }],
      ['street-1', { time: '2026-11-30T09:00:00Z', litres: -5 }],
    ] as const) {
      await fetch(`${platform.httpUrl}/api/v1/ingest?device=${id}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${device}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    }
    await waitFor(() => answers(platform).catch(() => undefined), (bodies) => bodies !== undefined && bodies[4].items?.length === 1 && bodies[5].batch !== undefined);
    const before = await answers(platform);

    const manifest = await writeBackup(source.dataDir, archive, PASSPHRASE);
    await platform.stop();

    expect(manifest.files.map((file) => file.path)).toEqual(expect.arrayContaining(['registry.sqlite', 'timeseries.sqlite', 'timeseries-personal.sqlite']));
    expect(readFileSync(archive).includes(Buffer.from('mieter@example.org'))).toBe(false);
    expect(readFileSync(archive).includes(Buffer.from('Haus 1'))).toBe(false);

    const target = join(work, 'restored');
    await restoreBackup(archive, target, PASSPHRASE);
    mkdirSync(join(target, 'keys'), { recursive: true });
    copyFileSync(join(source.dataDir, 'keys', 'kek.key'), join(target, 'keys', 'kek.key'));
    const restored = await startTestPlatform({ dataDir: target });
    try {
      expect(await answers(restored.platform)).toEqual(before);
    } finally {
      await restored.platform.stop();
    }
  });

  it('rejects a wrong passphrase and a changed file, and writes nothing', async () => {
    const target = join(work, 'wrong');
    await expect(restoreBackup(archive, target, 'another passphrase!')).rejects.toThrow('the backup does not decrypt');
    expect(existsSync(join(target, 'registry.sqlite'))).toBe(false);

    const changed = Buffer.from(readFileSync(archive));
    changed[changed.byteLength - 100] ^= 0xff;
    writeFileSync(join(work, 'changed.backup'), changed);
    await expect(restoreBackup(join(work, 'changed.backup'), target, PASSPHRASE)).rejects.toThrow('the backup does not decrypt');
    expect(existsSync(join(target, 'registry.sqlite'))).toBe(false);
  });

  it('refuses to restore over existing data', async () => {
    await expect(restoreBackup(archive, join(work, 'restored'), PASSPHRASE)).rejects.toThrow('already holds a registry');
  });
});
