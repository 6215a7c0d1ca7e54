import { readFileSync } from 'node:fs';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import {
  type AnalyticsFile,
  type JobDefinition,
  type MqttNotificationSettings,
  type WebhookDefinition,
  analyticsFileSchema,
  jobDefinitionSchema,
} from './analytics-file.schema';

/** Jobs that run when the analytics file names none. */
export const DEFAULT_JOBS: readonly { name: string; kind: JobDefinition['kind'] }[] = [
  { name: 'rollups', kind: 'rollup' },
  { name: 'parking-forecast', kind: 'parking-forecast' },
  { name: 'parking-occupancy', kind: 'parking-occupancy' },
  { name: 'air-quality-index', kind: 'air-quality-index' },
  { name: 'glass-fill-forecast', kind: 'fill-level-forecast' },
  { name: 'bike-counts', kind: 'bike-count-comparison' },
  { name: 'quality', kind: 'quality' },
];

/** A webhook with its signing secret read. */
export interface WebhookTarget extends Omit<WebhookDefinition, 'secret' | 'secretFile'> {
  secret: string;
}

/** The jobs and notification targets of the analytics service. */
export interface AnalyticsDefinition {
  jobs: JobDefinition[];
  mqtt: MqttNotificationSettings;
  webhooks: WebhookTarget[];
}

/** Kinds of which at most one job may run, because each consumes the observation topics once. */
const SINGLE_KINDS: readonly JobDefinition['kind'][] = ['rollup', 'quality'];

/**
 * Reads the analytics file (YAML, or JSON by a `.json` name). Without a path, or where the file
 * lists no `jobs`, the built-in jobs run with their default parameters. Every problem is
 * reported at once in an AppError INVALID_CONFIG, with its path in the file.
 */
export function loadAnalyticsDefinition(path: string | undefined): AnalyticsDefinition {
  if (path === undefined) {
    return parseAnalyticsDefinition({}, 'built-in defaults');
  }

  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `analytics file ${path} could not be read (${(error as Error).message}); check STADTDATEN_ANALYTICS_FILE`,
      { cause: error },
    );
  }

  let document: unknown;
  try {
    document = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new AppError(ErrorCode.INVALID_CONFIG, `analytics file ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`, {
      cause: error,
    });
  }

  return parseAnalyticsDefinition(document ?? {}, path);
}

/** Checks an analytics document; `sourceName` names it in error messages. */
export function parseAnalyticsDefinition(document: unknown, sourceName: string): AnalyticsDefinition {
  const parsed = analyticsFileSchema.safeParse(document);
  if (!parsed.success) {
    throw invalid(sourceName, parsed.error.issues.map(describeIssue));
  }

  const file: AnalyticsFile = parsed.data;
  const jobs = file.jobs ?? DEFAULT_JOBS.map((job) => jobDefinitionSchema.parse(job));
  const problems = [...jobProblems(jobs), ...webhookNameProblems(file.notifications.webhooks)];
  const webhooks = file.notifications.webhooks.map((webhook, index) => readSecret(webhook, index, problems));
  if (problems.length > 0) {
    throw invalid(sourceName, problems);
  }

  return { jobs, mqtt: file.notifications.mqtt, webhooks: webhooks as WebhookTarget[] };
}

function jobProblems(jobs: JobDefinition[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  jobs.forEach((job, index) => {
    if (names.has(job.name)) {
      problems.push(`jobs.${index}.name: job name "${job.name}" is used twice; give each job its own name`);
    }
    names.add(job.name);
  });
  for (const kind of SINGLE_KINDS) {
    const count = jobs.filter((job) => job.kind === kind).length;
    if (count > 1) {
      problems.push(`jobs: ${count} jobs of kind "${kind}"; keep one and list its inputs there`);
    }
  }

  return problems;
}

function webhookNameProblems(webhooks: WebhookDefinition[]): string[] {
  const names = webhooks.map((webhook) => webhook.name);

  return names
    .filter((name, index) => names.indexOf(name) !== index)
    .map((name) => `notifications.webhooks: webhook name "${name}" is used twice; give each webhook its own name`);
}

function readSecret(webhook: WebhookDefinition, index: number, problems: string[]): WebhookTarget | undefined {
  const { secret, secretFile, ...rest } = webhook;
  if (secret !== undefined) {
    return { ...rest, secret };
  }
  try {
    const fromFile = readFileSync(secretFile as string, 'utf8').trim();
    if (fromFile.length < 16) {
      problems.push(`notifications.webhooks.${index}.secretFile: ${secretFile} holds fewer than 16 characters; write a longer secret into it`);

      return undefined;
    }

    return { ...rest, secret: fromFile };
  } catch (error) {
    problems.push(`notifications.webhooks.${index}.secretFile: ${secretFile} could not be read (${(error as Error).message})`);

    return undefined;
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length > 0 ? issue.path.join('.') : '(document)';

  return `${path}: ${issue.message}`;
}

function invalid(sourceName: string, problems: string[]): AppError {
  return new AppError(
    ErrorCode.INVALID_CONFIG,
    `${sourceName} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n- ${problems.join('\n- ')}`,
    { details: { problems } },
  );
}
