import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { applyCatalog, getJson, startTestPlatform, waitFor, waterMeterCatalog } from './helpers';

const run = promisify(execFile);
const CLI = resolve(__dirname, '..', 'dist', 'main.js');
const OWNER = 'mieterin.k@example.org';

const CATALOG = waterMeterCatalog(`
things:
  - { tenant: darmstadt, id: house-3, name: Haus 3, useCase: other, location: { type: Point, coordinates: [8.65, 49.87] } }
devices:
  - { tenant: darmstadt, id: flat-3, type: meter, thing: house-3, classification: personal, owner: "${OWNER}" }
`);

const PERSONAL = '/api/v1/tenants/darmstadt/datastreams/flat-3.litres/observations?from=2026-11-01T00:00:00Z&to=2026-12-31T00:00:00Z';

describe('stadtdaten keys rewrap', () => {
  const work = mkdtempSync(join(tmpdir(), 'stadtdaten-rewrap-'));
  const dataDir = join(work, 'data');
  const newKek = join(work, 'next-kek.key');
  const cli = (...args: string[]) =>
    run(process.execPath, [CLI, 'keys', 'rewrap', '--data-dir', dataDir, '--new-kek-file', newKek, ...args], {
      env: { ...process.env, LANG: 'en_US.UTF-8' },
    });
  let before: { personal: unknown; thing: unknown };

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  async function personalAnswers(platform: Awaited<ReturnType<typeof startTestPlatform>>['platform']) {
    const reader = await platform.issueToken('darmstadt', ['analyst', 'personal-data-reader', 'tenant-admin'], 'reader');
    const personal = await waitFor(
      () => getJson(platform, PERSONAL, reader),
      (answer) => answer.body.observations?.length === 1,
    );

    return { personal: personal.body, thing: (await getJson(platform, '/api/v1/tenants/darmstadt/things/house-3', reader)).body };
  }

  it('rejects while the platform runs', async () => {
    const { platform } = await startTestPlatform({ dataDir });
    try {
      await applyCatalog(platform, CATALOG);
      const device = await platform.issueToken('darmstadt', ['device'], 'meters');
      await fetch(`${platform.httpUrl}/api/v1/ingest?device=flat-3`, {
        method: 'POST',
        headers: { authorization: `Bearer ${device}`, 'content-type': 'application/json' },
        body: JSON.stringify({ time: '2026-11-30T08:00:00Z', litres: 73.5 }),
      });
      before = await personalAnswers(platform);
      const kekBefore = readFileSync(join(dataDir, 'keys', 'kek.key'), 'utf8');

      const rejected = await cli('--url', platform.httpUrl).catch((error: { code: number; stderr: string }) => error);

      expect(rejected).toMatchObject({ code: 1 });
      expect((rejected as { stderr: string }).stderr).toContain(`a platform is running at ${platform.httpUrl}`);
      expect(existsSync(newKek)).toBe(false);
      expect(readFileSync(join(dataDir, 'keys', 'kek.key'), 'utf8')).toBe(kekBefore);
    } finally {
      await platform.stop();
    }
  }, 60_000);

  it('rewraps keys; restart reads same data', async () => {
    const oldKek = readFileSync(join(dataDir, 'keys', 'kek.key'), 'utf8');

    const { stdout, stderr } = await cli('--url', 'http://127.0.0.1:1');

    expect(stderr).toContain(`created a new key-encryption key: ${newKek}`);
    expect(stdout).toMatch(/^re-wrapped \d+ tenant keys/);
    expect(readFileSync(join(dataDir, 'keys', 'kek.key'), 'utf8')).toBe(readFileSync(newKek, 'utf8'));
    const retired = readdirSync(join(dataDir, 'keys')).filter((name) => name.startsWith('kek.key.retired-'));
    expect(retired).toHaveLength(1);
    expect(readFileSync(join(dataDir, 'keys', retired[0]), 'utf8')).toBe(oldKek);

    const { platform } = await startTestPlatform({ dataDir });
    try {
      expect(await personalAnswers(platform)).toEqual(before);
      const admin = await platform.issueToken('platform', ['platform-admin'], 'auditor');
      const audit = (await getJson(platform, '/api/v1/audit?limit=100', admin)).body.items as { action: string; target: { resourceType: string } }[];
      expect(audit).toContainEqual(expect.objectContaining({ action: 'KEY_ROTATED', target: expect.objectContaining({ resourceType: 'key-encryption-key' }) }));
    } finally {
      await platform.stop();
    }
  }, 60_000);

  it('retired key opens no tenant key', async () => {
    const retired = readdirSync(join(dataDir, 'keys')).find((name) => name.startsWith('kek.key.retired-'))!;

    const failed = await run(process.execPath, [CLI, 'keys', 'rewrap', '--data-dir', dataDir, '--kek-file', join(dataDir, 'keys', retired), '--new-kek-file', join(work, 'third.key'), '--url', 'http://127.0.0.1:1'], {
      env: { ...process.env, LANG: 'en_US.UTF-8' },
    }).catch((error: { code: number; stderr: string }) => error);

    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain('cannot unwrap the tenant key');
  });
});
