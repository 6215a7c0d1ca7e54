import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { analyticsConfigSchema } from '@stadtdaten/analytics';
import { loadConfig } from '@stadtdaten/config';
import { ingestConfigSchema } from '@stadtdaten/ingest-gateway';
import { queryApiConfigSchema } from '@stadtdaten/query-api';
import { storageWriterConfigSchema } from '@stadtdaten/storage-writer';
import { validatorConfigSchema } from '@stadtdaten/validator';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { REPO_ROOT, SERVICE_NAMES, type ServiceName } from './deploy-tools';

const WORKFLOW_FILE = join(REPO_ROOT, '.github', 'workflows', 'ci.yml');

/** Default HTTP port of each image's process; the dashboard image runs the query API. */
const SCHEMAS: Record<ServiceName, z.ZodObject> = {
  'ingest-gateway': ingestConfigSchema as unknown as z.ZodObject,
  validator: validatorConfigSchema as unknown as z.ZodObject,
  'storage-writer': storageWriterConfigSchema as unknown as z.ZodObject,
  'query-api': queryApiConfigSchema as unknown as z.ZodObject,
  dashboard: queryApiConfigSchema as unknown as z.ZodObject,
  analytics: analyticsConfigSchema as unknown as z.ZodObject,
};

function dockerfile(service: ServiceName): string {
  return readFileSync(join(REPO_ROOT, 'services', service, 'Dockerfile'), 'utf8');
}

/** Instructions of a Dockerfile with continuation lines joined and comments dropped. */
function instructions(text: string): string[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Instructions of the last stage, which is the image that runs. */
function finalStage(text: string): string[] {
  const all = instructions(text);
  const lastFrom = all.map((line) => line.startsWith('FROM ')).lastIndexOf(true);

  return all.slice(lastFrom);
}

function execArguments(instruction: string, keyword: string): string[] {
  return JSON.parse(instruction.slice(instruction.indexOf(keyword) + keyword.length).trim()) as string[];
}

describe('ci workflow', () => {
  const workflow = () => {
    const document = parseDocument(readFileSync(WORKFLOW_FILE, 'utf8'), { uniqueKeys: true, prettyErrors: true });

    expect(document.errors.map((error) => error.message)).toEqual([]);

    return document.toJS() as any;
  };

  it('parses as YAML', () => {
    expect(workflow().jobs).toBeDefined();
  });

  it('runs the checks of .ci/run', () => {
    const steps = workflow().jobs.test.steps as any[];

    expect(steps.map((step) => step.run).filter(Boolean)).toContain('bash .ci/run');
    expect(readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8')).toMatch(/npm ci[^\n]*\nnpm test/);
  });

  it('builds an image with an SBOM for every service', () => {
    const images = workflow().jobs.images;
    const build = images.steps.find((step: any) => String(step.uses).startsWith('docker/build-push-action@'));
    const sbom = images.steps.find((step: any) => String(step.uses).startsWith('anchore/sbom-action@'));

    expect(images.strategy.matrix.service).toEqual([...SERVICE_NAMES]);
    expect(build.with.file).toBe('services/${{ matrix.service }}/Dockerfile');
    expect(build.with.sbom).toBeDefined();
    expect(sbom.with.format).toBe('spdx-json');
  });
});

describe('Dockerfiles', () => {
  it.each(SERVICE_NAMES)('builds %s in stages', (service) => {
    const froms = instructions(dockerfile(service)).filter((line) => line.startsWith('FROM '));

    expect(froms.length).toBeGreaterThanOrEqual(2);
    expect(froms[froms.length - 1]).toMatch(/^FROM gcr\.io\/distroless\/nodejs20-debian12:nonroot$/);
  });

  it.each(SERVICE_NAMES)('runs %s as a non-root user', (service) => {
    const users = finalStage(dockerfile(service)).filter((line) => line.startsWith('USER '));

    expect(users).toEqual(['USER 65532:65532']);
  });

  it.each(SERVICE_NAMES)('starts the entry point of %s on its port', (service) => {
    const stage = finalStage(dockerfile(service));
    const entry = execArguments(stage.find((line) => line.startsWith('CMD '))!, 'CMD')[0];
    const port = (loadConfig(SCHEMAS[service], {}) as { STADTDATEN_HTTP_PORT: number }).STADTDATEN_HTTP_PORT;

    expect(existsSync(join(REPO_ROOT, entry.replace('/dist/', '/src/').replace(/\.js$/, '.ts')))).toBe(true);
    expect(stage).toContain(`EXPOSE ${port}`);
    expect(stage.join('\n')).toContain(`STADTDATEN_HTTP_PORT=${port}`);
    expect(stage.join('\n')).toContain('STADTDATEN_HTTP_HOST=0.0.0.0');
  });

  it('keeps dependencies and build output out of the context', () => {
    const ignored = instructions(readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8'));

    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', 'var', '.git']));
  });

  describe('health check', () => {
    let server: Server;
    let healthy = true;
    let port: number;

    beforeAll(async () => {
      server = createServer((request, response) => {
        response.statusCode = request.url === '/health/live' && healthy ? 200 : 503;
        response.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });

    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    /** Runs the HEALTHCHECK command of an image with node in place of the image's /nodejs/bin/node. */
    async function runHealthCheck(service: ServiceName): Promise<number> {
      const instruction = finalStage(dockerfile(service)).find((line) => line.startsWith('HEALTHCHECK '))!;
      const [, ...args] = execArguments(instruction, 'CMD');
      try {
        await promisify(execFile)(process.execPath, args, {
          env: { PATH: process.env.PATH, STADTDATEN_HTTP_PORT: String(port) },
          timeout: 10_000,
        });

        return 0;
      } catch (error) {
        return (error as { code?: number }).code ?? -1;
      }
    }

    it.each(SERVICE_NAMES)('passes for a live %s', async (service) => {
      healthy = true;

      expect(await runHealthCheck(service)).toBe(0);
    });

    it('fails for a service that is not live', async () => {
      healthy = false;

      expect(await runHealthCheck('validator')).toBe(1);
    });
  });
});
