import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@stadtdaten/contracts';
import { DEFAULT_JOBS, loadAnalyticsDefinition, parseAnalyticsDefinition } from './analytics-definition.loader';

describe('loadAnalyticsDefinition', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stadtdaten-analytics-file-'));

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the built-in jobs without a file', () => {
    const definition = loadAnalyticsDefinition(undefined);

    expect(definition.jobs.map((job) => job.name)).toEqual(DEFAULT_JOBS.map((job) => job.name));
    expect(definition.webhooks).toEqual([]);
    expect(definition.mqtt).toEqual({ publish: true, qos: 1, retain: true });
  });

  it('fills parameter defaults', () => {
    const [job] = parseAnalyticsDefinition({ jobs: [{ name: 'forecast', kind: 'parking-forecast' }] }, 'test').jobs;
    const horizons = job.kind === 'parking-forecast' ? job.parameters.horizons : [];

    expect(job.trigger).toEqual({ every: 900_000 });
    expect(job.inputs.observedProperties).toEqual(['free_parking_spaces']);
    expect(horizons).toContain(86_400_000);
  });

  it('reads a webhook secret file', () => {
    const secretFile = join(dir, 'secret');
    writeFileSync(secretFile, 'a-secret-of-more-than-16-characters\n');
    const file = join(dir, 'analytics.yaml');
    writeFileSync(file, `notifications:\n  webhooks:\n    - { name: ops, url: 'http://127.0.0.1:9/hook', secretFile: ${secretFile} }\n`);

    expect(loadAnalyticsDefinition(file).webhooks[0].secret).toBe('a-secret-of-more-than-16-characters');
  });

  it('lists every problem with its path', () => {
    const document = {
      jobs: [
        { name: 'a', kind: 'rollup' },
        { name: 'a', kind: 'rollup' },
        { name: 'b', kind: 'quality', trigger: { every: '5' } },
      ],
    };

    expect(() => parseAnalyticsDefinition(document, 'analytics.yaml')).toThrow(AppError);
    try {
      parseAnalyticsDefinition(document, 'analytics.yaml');
    } catch (error) {
      expect((error as AppError).code).toBe('INVALID_CONFIG');
      expect((error as AppError).message).toContain('jobs.2.trigger.every');
    }
  });

  it('rejects two rollup jobs', () => {
    const document = { jobs: [{ name: 'a', kind: 'rollup' }, { name: 'b', kind: 'rollup' }] };

    expect(() => parseAnalyticsDefinition(document, 'analytics.yaml')).toThrow('2 jobs of kind "rollup"');
  });

  it('rejects a webhook without a secret', () => {
    const document = { notifications: { webhooks: [{ name: 'ops', url: 'http://127.0.0.1:9/hook' }] } };

    expect(() => parseAnalyticsDefinition(document, 'analytics.yaml')).toThrow('give exactly one of secret or secretFile');
  });

  it('rejects a missing file with its path', () => {
    expect(() => loadAnalyticsDefinition(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml could not be read/);
  });

  it('rejects broken YAML', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'jobs: [\n');

    expect(() => loadAnalyticsDefinition(file)).toThrow('is not valid YAML');
  });
});
