import { THING_OR_DEVICE_ID, USE_CASES } from '@stadtdaten/registry';
import { z } from 'zod';

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const TENANT = /^[a-z0-9][a-z0-9-]{0,62}$/;
const DEVICE_TYPE = /^[a-z0-9][a-z0-9_-]{0,127}$/;
const INTERVAL = /^(\d+)(s|m|h|d)$/;

/** Values of the form `env:NAME` are read from the environment when the connector runs. */
const headerValue = z.string().min(1).max(4096);

const sourceSchema = z
  .object({
    url: z
      .url({ protocol: /^https?$/, error: 'use an http:// or https:// address' })
      .optional(),
    file: z.string().min(1).optional(),
    folder: z.string().min(1).optional(),
    pattern: z.string().min(1).max(200).optional(),
    headers: z.record(z.string().min(1).max(200), headerValue).optional(),
    clientCertificate: z
      .object({ cert: z.string().min(1), key: z.string().min(1), ca: z.string().min(1).optional() })
      .strict()
      .optional(),
    timeoutSeconds: z.number().positive().max(3600).default(30),
    maxBytes: z.number().int().positive().max(2_000_000_000).default(50_000_000),
    retries: z.number().int().min(0).max(10).default(3),
    /** First backoff step; later steps double it, each with full jitter. */
    retryBaseMs: z.number().int().min(1).max(600_000).default(1000),
    maxPages: z.number().int().min(1).max(10_000).default(100),
  })
  .strict()
  .superRefine((source, ctx) => {
    const kinds = ['url', 'file', 'folder'].filter((kind) => source[kind as 'url'] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `give exactly one of url, file or folder; ${kinds.length === 0 ? 'none is set' : `${kinds.join(' and ')} are set`}`,
      });
    }
    if (source.pattern !== undefined && source.folder === undefined) {
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'pattern applies only to a folder source' });
    }
    if (source.url === undefined && (source.headers !== undefined || source.clientCertificate !== undefined)) {
      ctx.addIssue({ code: 'custom', message: 'headers and clientCertificate apply only to a url source' });
    }
  });

const scheduleSchema = z.union([
  z
    .object({
      every: z.string().regex(INTERVAL, 'write the interval as a number and s, m, h or d, e.g. 5m'),
    })
    .strict(),
  z.object({ cron: z.string().min(9).max(200) }).strict(),
]);

const mappingSchema = z
  .object({
    deviceType: z.string().regex(DEVICE_TYPE, 'use a device type id from the catalog'),
    deviceId: z
      .string()
      .min(1)
      .max(200)
      .refine((template) => template.includes('{key}'), 'the template must contain {key}')
      .refine(
        (template) => !template.includes('{key}') || THING_OR_DEVICE_ID.test(template.replaceAll('{key}', 'k')),
        'besides {key}, use only letters, digits, "_", "-" and ":" (no spaces or dots), because the result is a device id',
      ),
    register: z.boolean().default(false),
    /** Use case of things that the connector registers. */
    useCase: z
      .string()
      .refine((value) => (USE_CASES as readonly string[]).includes(value), `use one of ${USE_CASES.join(', ')}`)
      .optional(),
    classification: z.enum(['public', 'internal', 'personal']).optional(),
    fields: z.record(z.string().min(1).max(128), z.string().min(1).max(128)).optional(),
    keys: z.array(z.string().min(1).max(200)).min(1).optional(),
  })
  .strict()
  .superRefine((mapping, ctx) => {
    if (mapping.register && mapping.useCase === undefined) {
      ctx.addIssue({ code: 'custom', path: ['useCase'], message: 'register: true needs a useCase for the new things' });
    }
  });

export const connectorSchema = z
  .object({
    name: z.string().regex(NAME, 'use lower-case letters, digits and "-", at most 63 characters'),
    tenant: z.string().regex(TENANT, 'use a tenant id from the catalog'),
    decoder: z.string().min(1).max(64),
    options: z.record(z.string(), z.unknown()).default({}),
    timeZone: z.string().min(1).default('Europe/Berlin'),
    source: sourceSchema,
    schedule: scheduleSchema.optional(),
    mapping: mappingSchema,
    /** Readings per raw message; a larger input becomes several messages per device. */
    chunkSize: z.number().int().min(1).max(5000).default(500),
  })
  .strict();

export const connectorsFileSchema = z.object({ connectors: z.array(connectorSchema) }).strict();

export type ConnectorDefinition = z.output<typeof connectorSchema>;
export type ConnectorSource = ConnectorDefinition['source'];
export type ConnectorMapping = ConnectorDefinition['mapping'];
export type ConnectorSchedule = NonNullable<ConnectorDefinition['schedule']>;

export function intervalMs(every: string): number {
  const match = INTERVAL.exec(every);
  if (match === null) {
    throw new Error(`interval "${every}" is not a number followed by s, m, h or d`);
  }
  const unitMs = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's'];

  return Number(match[1]) * unitMs;
}
