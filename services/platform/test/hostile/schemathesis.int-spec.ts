import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { B_IDS, type HostilePlatform, TENANT_A, TENANT_B, startHostilePlatform } from './hostile-platform';

const SCRIPT = join(__dirname, '..', '..', '..', '..', 'tools', 'schemathesis', 'run.sh');

/** Wall-clock limit of one schemathesis run; two runs stay under about four minutes on 2 cores. */
const RUN_SECONDS = 100;

interface RunResult {
  exitCode: number | null;
  output: string;
}

/**
 * Runs tools/schemathesis/run.sh without blocking this process, which also serves the platform
 * under test.
 */
function runSchemathesis(baseUrl: string, configFile: string, token?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const args = token === undefined ? [SCRIPT, baseUrl] : [SCRIPT, baseUrl, token];
    const child = spawn('bash', args, {
      env: {
        ...process.env,
        SCHEMATHESIS_CONFIG: configFile,
        SCHEMATHESIS_MAX_SECONDS: String(RUN_SECONDS),
        SCHEMATHESIS_MAX_EXAMPLES: '100',
        SCHEMATHESIS_SEED: '20261204',
      },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, output }));
  });
}

const pythonMissing = spawnSync('python3', ['--version']).status !== 0;
const describeWithPython = pythonMissing
  ? (name: string, body: () => void) => describe.skip(`${name}: python3 is not installed, so schemathesis cannot run`, body)
  : describe;

describeWithPython('schemathesis against the OpenAPI document', () => {
  let hostile: HostilePlatform;
  let configDir: string;
  let configFile: string;

  beforeAll(async () => {
    hostile = await startHostilePlatform();
    configDir = mkdtempSync(join(tmpdir(), 'stadtdaten-schemathesis-'));
    configFile = join(configDir, 'schemathesis.toml');
    // Known ids, so that part of the generated requests reach stored data instead of 404.
    const ids = ['luisenplatz', 'a-meter.level', B_IDS.thing, B_IDS.internalDatastream, hostile.observationId];
    writeFileSync(
      configFile,
      [
        '[dictionaries.tenants]',
        `values = ${JSON.stringify([TENANT_A, TENANT_B])}`,
        '[dictionaries.ids]',
        `values = ${JSON.stringify([...ids, ...ids.map((id) => `'${id}'`)])}`,
        '[parameters]',
        '"path.tenant" = { dictionary = "tenants", probability = 0.8 }',
        '"path.id" = { dictionary = "ids", probability = 0.6 }',
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await hostile.platform.stop();
    hostile.cleanup();
    rmSync(configDir, { recursive: true, force: true });
  });

  it.each([
    ['a platform-admin token', () => hostile.platformAdmin],
    ['no token', () => undefined],
  ])(
    'finds nothing with %s',
    async (_name, token) => {
      const { exitCode, output } = await runSchemathesis(hostile.platform.httpUrl, configFile, token());

      // On findings the last lines hold schemathesis' summary and how to reproduce each one.
      expect({ exitCode, findings: exitCode === 0 ? '' : output.slice(-8_000) }).toEqual({ exitCode: 0, findings: '' });
    },
    (RUN_SECONDS + 60) * 1000,
  );
});
