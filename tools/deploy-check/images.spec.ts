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

const DOCKERFILE = join(REPO_ROOT, 'services', 'Dockerfile');

interface ImageBuild {
  service: ServiceName;
  process: string;
  port: number;
}

function workflow(): any {
  const document = parseDocument(readFileSync(WORKFLOW_FILE, 'utf8'), { uniqueKeys: true, prettyErrors: true });

  expect(document.errors.map((error) => error.message)).toEqual([]);

  return document.toJS();
}

/** Returns the build of each image as the workflow's matrix lists it. */
function imageBuilds(): ImageBuild[] {
  return workflow().jobs.images.strategy.matrix.include as ImageBuild[];
}

/**
 * Returns the Dockerfile as Docker reads it for one image: ${SERVICE} and ${HTTP_PORT} replaced
 * by the values the workflow passes. Docker substitutes the same way in ENV, EXPOSE and COPY,
 * but not in an exec-form CMD.
 */
function dockerfile(build: ImageBuild): string {
  const values: Record<string, string> = { SERVICE: build.process, HTTP_PORT: String(build.port) };

  return readFileSync(DOCKERFILE, 'utf8').replace(/\$\{([A-Z_]+)\}/g, (text, name: string) => values[name] ?? text);
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

    expect(imageBuilds().map((entry) => entry.service)).toEqual([...SERVICE_NAMES]);
    expect(build.with.file).toBe('services/Dockerfile');
    expect(build.with['build-args']).toContain('SERVICE=${{ matrix.process }}');
    expect(build.with['build-args']).toContain('HTTP_PORT=${{ matrix.port }}');
    expect(build.with.sbom).toBeDefined();
    expect(sbom.with.format).toBe('spdx-json');
  });
});

describe('Dockerfile', () => {
  const builds = imageBuilds().map((build) => [build.service, build] as const);

  it.each(builds)('builds %s in stages', (_service, build) => {
    const froms = instructions(dockerfile(build)).filter((line) => line.startsWith('FROM '));

    expect(froms.length).toBeGreaterThanOrEqual(2);
    expect(froms[froms.length - 1]).toMatch(/^FROM gcr\.io\/distroless\/nodejs20-debian12:nonroot$/);
  });

  it.each(builds)('runs %s as a non-root user', (_service, build) => {
    const users = finalStage(dockerfile(build)).filter((line) => line.startsWith('USER '));

    expect(users).toEqual(['USER 65532:65532']);
  });

  it.each(builds)('starts the entry point of %s on its port', (service, build) => {
    const text = dockerfile(build);
    const stage = finalStage(text);
    const entryFile = /printf "(require\('[^']+'\);)\\n" "([^"]+)" > main\.js/.exec(instructions(text).join('\n'));
    const entry = entryFile![1].replace('%s', entryFile![2]);
    const port = (loadConfig(SCHEMAS[service], {}) as { STADTDATEN_HTTP_PORT: number }).STADTDATEN_HTTP_PORT;

    // Each image runs its own service, except the dashboard's, which runs the query API.
    expect(build.process).toBe(service === 'dashboard' ? 'query-api' : service);
    expect(execArguments(stage.find((line) => line.startsWith('CMD '))!, 'CMD')).toEqual(['main.js']);
    expect(entry).toBe(`require('./services/${build.process}/dist/main.js');`);
    expect(existsSync(join(REPO_ROOT, 'services', build.process, 'src', 'main.ts'))).toBe(true);
    expect(stage).toContain(`COPY --from=build /app/services/${build.process} ./services/${build.process}`);
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
    async function runHealthCheck(build: ImageBuild): Promise<number> {
      const instruction = finalStage(dockerfile(build)).find((line) => line.startsWith('HEALTHCHECK '))!;
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

    it.each(builds)('passes for a live %s', async (_service, build) => {
      healthy = true;

      expect(await runHealthCheck(build)).toBe(0);
    });

    it('fails for a service that is not live', async () => {
      healthy = false;

      expect(await runHealthCheck(imageBuilds()[0])).toBe(1);
    });
  });
});
