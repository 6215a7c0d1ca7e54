import { z } from 'zod';
import { durationSchema } from './duration';
import { qualityRulesSchema } from './quality-rules.schema';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const jobName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use 1 to 63 lower-case letters, digits and "-", e.g. parking-forecast');
const idPatterns = z.array(z.string().min(1).max(200)).min(1);
const observedPropertyIds = z
  .array(z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'use an observed property id such as free_parking_spaces'))
  .min(1);
const timeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });

      return true;
    } catch {
      return false;
    }
  },
  { message: 'unknown time zone; use an IANA zone name such as Europe/Berlin' },
);

/** Builds the schema of a job's inputs: tenant and datastream id patterns (`*` is a wildcard) and observed properties. */
function inputsSchema(defaultProperties?: string[]) {
  return z
    .object({
      tenants: idPatterns.default(['*']),
      datastreams: idPatterns.default(['*']),
      exclude: z.array(z.string().min(1).max(200)).default([]),
      observedProperties: defaultProperties === undefined ? observedPropertyIds.optional() : observedPropertyIds.default(defaultProperties),
    })
    .strict()
    .prefault({});
}

function everyTrigger(defaultEvery: string) {
  return z
    .object({ every: durationSchema(MINUTE_MS, DAY_MS) })
    .strict()
    .prefault({ every: defaultEvery });
}

const retentionChoice = z.union([z.literal('source'), z.literal('forever'), z.number().int().min(1).max(36_500)]);

const rollupJob = z
  .object({
    name: jobName,
    kind: z.literal('rollup'),
    trigger: z.object({ on: z.literal('observations') }).strict().prefault({ on: 'observations' }),
    inputs: inputsSchema(),
    parameters: z
      .object({
        levels: z
          .array(z.enum(['1m', '1h', '1d']))
          .min(1)
          .default(['1m', '1h', '1d'])
          .refine((levels) => new Set(levels).size === levels.length, 'name each level once'),
        flushEvery: durationSchema(100, 10 * MINUTE_MS).prefault('10s'),
        openBucketRefresh: z
          .object({
            '1h': durationSchema(1000, HOUR_MS).prefault('5m'),
            '1d': durationSchema(1000, DAY_MS).prefault('1h'),
          })
          .strict()
          .prefault({}),
        maxPendingWait: durationSchema(MINUTE_MS, DAY_MS).prefault('10m'),
        maxPending: z.number().int().min(1000).max(10_000_000).default(1_000_000),
        retentionDays: z
          .object({ '1m': retentionChoice.default('source'), '1h': retentionChoice.default('source'), '1d': retentionChoice.default('source') })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
  })
  .strict();

const parkingForecastJob = z
  .object({
    name: jobName,
    kind: z.literal('parking-forecast'),
    trigger: everyTrigger('15m'),
    inputs: inputsSchema(['free_parking_spaces']),
    parameters: z
      .object({
        horizons: z
          .array(durationSchema(15 * MINUTE_MS, 48 * HOUR_MS))
          .min(1)
          .max(24)
          .prefault(['15m', '30m', '1h', '2h', '4h', '8h', '12h', '24h'])
          .refine((horizons) => horizons.every((ms) => ms % (15 * MINUTE_MS) === 0), 'each horizon must be a multiple of 15m'),
        intervalCoverage: z.number().min(0.5).max(0.98).default(0.8),
        trainingDays: z.number().int().min(7).max(90).default(28),
        halfLifeDays: z.number().min(1).max(90).default(7),
        profileWeeks: z.number().int().min(1).max(8).default(3),
        timeZone: timeZone.default('Europe/Berlin'),
        holidays: z.enum(['hesse', 'none']).default('hesse'),
        maxFill: durationSchema(15 * MINUTE_MS, 2 * DAY_MS).prefault('12h'),
        refitEvery: durationSchema(15 * MINUTE_MS, 7 * DAY_MS).prefault('1d'),
        capacityProperty: z.string().min(1).default('parking_capacity'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

const parkingOccupancyJob = z
  .object({
    name: jobName,
    kind: z.literal('parking-occupancy'),
    trigger: everyTrigger('5m'),
    inputs: inputsSchema(['free_parking_spaces']),
    parameters: z
      .object({
        capacityProperty: z.string().min(1).default('parking_capacity'),
        maxAge: durationSchema(MINUTE_MS, DAY_MS).prefault('30m'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

const airQualityIndexJob = z
  .object({
    name: jobName,
    kind: z.literal('air-quality-index'),
    trigger: everyTrigger('15m'),
    inputs: inputsSchema(),
    parameters: z
      .object({
        scheme: z.enum(['uba-2025', 'uba-2019']).default('uba-2025'),
        pollutants: z
          .object({
            no2: z.string().min(1).default('no2'),
            pm10: z.string().min(1).default('pm10'),
            pm2_5: z.string().min(1).default('pm2_5'),
            o3: z.string().min(1).default('o3'),
          })
          .strict()
          .prefault({}),
        recomputeHours: z.number().int().min(1).max(72).default(3),
      })
      .strict()
      .prefault({}),
  })
  .strict();

const fillForecastJob = z
  .object({
    name: jobName,
    kind: z.literal('fill-level-forecast'),
    trigger: everyTrigger('1h'),
    inputs: inputsSchema(['fill_level']),
    parameters: z
      .object({
        thresholdPercent: z.number().min(1).max(100).default(80),
        emptyingDropPercent: z.number().min(1).max(100).default(20),
        lookback: durationSchema(HOUR_MS, 90 * DAY_MS).prefault('14d'),
        minReadings: z.number().int().min(2).max(1000).default(3),
      })
      .strict()
      .prefault({}),
  })
  .strict();

const bikeCountJob = z
  .object({
    name: jobName,
    kind: z.literal('bike-count-comparison'),
    trigger: everyTrigger('1h'),
    inputs: inputsSchema(['bicycle_count']),
    parameters: z
      .object({
        timeZone: timeZone.default('Europe/Berlin'),
        recomputeDays: z.number().int().min(1).max(31).default(3),
        expectedReadingsPerDay: z.number().int().min(1).max(86_400).default(96),
        minCoverage: z.number().min(0).max(1).default(0.9),
      })
      .strict()
      .prefault({}),
  })
  .strict();

const qualityJob = z
  .object({
    name: jobName,
    kind: z.literal('quality'),
    trigger: everyTrigger('1m'),
    inputs: inputsSchema(),
    parameters: qualityRulesSchema,
  })
  .strict();

export const jobDefinitionSchema = z.discriminatedUnion('kind', [
  rollupJob,
  parkingForecastJob,
  parkingOccupancyJob,
  airQualityIndexJob,
  fillForecastJob,
  bikeCountJob,
  qualityJob,
]);

const webhookSchema = z
  .object({
    name: jobName,
    url: z.url({ protocol: /^https?$/, error: 'use an http:// or https:// address' }),
    tenants: idPatterns.default(['*']),
    /** Key of the HMAC-SHA-256 signature; give it here or in secretFile. */
    secret: z.string().min(16, 'use a secret of at least 16 characters').max(1024).optional(),
    secretFile: z.string().min(1).optional(),
    timeout: durationSchema(100, MINUTE_MS).prefault('10s'),
    maxAttempts: z.number().int().min(1).max(20).default(6),
    retryBase: durationSchema(10, MINUTE_MS).prefault('1s'),
    retryMax: durationSchema(10, HOUR_MS).prefault('5m'),
    maxQueue: z.number().int().min(1).max(100_000).default(1000),
  })
  .strict()
  .refine((webhook) => (webhook.secret === undefined) !== (webhook.secretFile === undefined), {
    message: 'give exactly one of secret or secretFile; every delivery is signed',
  });

export const analyticsFileSchema = z
  .object({
    jobs: z.array(jobDefinitionSchema).optional(),
    notifications: z
      .object({
        mqtt: z
          .object({
            publish: z.boolean().default(true),
            qos: z.union([z.literal(0), z.literal(1)]).default(1),
            retain: z.boolean().default(true),
          })
          .strict()
          .prefault({}),
        webhooks: z.array(webhookSchema).default([]),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type JobDefinition = z.output<typeof jobDefinitionSchema>;
export type JobKind = JobDefinition['kind'];
export type RollupJobDefinition = z.output<typeof rollupJob>;
export type ParkingForecastJobDefinition = z.output<typeof parkingForecastJob>;
export type ParkingOccupancyJobDefinition = z.output<typeof parkingOccupancyJob>;
export type AirQualityIndexJobDefinition = z.output<typeof airQualityIndexJob>;
export type FillForecastJobDefinition = z.output<typeof fillForecastJob>;
export type BikeCountJobDefinition = z.output<typeof bikeCountJob>;
export type QualityJobDefinition = z.output<typeof qualityJob>;
export type JobInputs = JobDefinition['inputs'];
export type WebhookDefinition = z.output<typeof webhookSchema>;
export type AnalyticsFile = z.output<typeof analyticsFileSchema>;
export type MqttNotificationSettings = AnalyticsFile['notifications']['mqtt'];
