import {
  SECRET,
  adapterSettings,
  booleanSetting,
  commonSettings,
  httpSettings,
  keySettings,
  requireAdapterSettings,
  residencySettings,
} from '@stadtdaten/config';
import { z } from 'zod';

/** Settings of the analytics jobs, shared by the service and the all-in-one platform. */
export const analyticsSettings = {
  STADTDATEN_ANALYTICS: booleanSetting(true).describe(
    'run the analytics jobs (rollups, forecasts, indicators, quality checks); false starts none',
  ),
  STADTDATEN_ANALYTICS_FILE: z
    .string()
    .min(1)
    .optional()
    .describe('YAML file with the analytics jobs and notification targets (docs/analytics.md); unset runs the built-in jobs'),
  STADTDATEN_ANALYTICS_MQTT_URL: z
    .string()
    .regex(/^mqtts?:\/\//, 'use an mqtt:// or mqtts:// address')
    .optional()
    .describe(
      'MQTT broker that receives quality status messages where no MQTT edge runs in this process, e.g. mqtts://broker:8883; unset sends none there',
    ),
  STADTDATEN_ANALYTICS_MQTT_CA_FILE: z.string().min(1).optional().describe('PEM file with the CA certificate of that broker'),
  STADTDATEN_ANALYTICS_MQTT_CERT_FILE: z
    .string()
    .min(1)
    .optional()
    .describe('PEM file with the client certificate of the analytics service at that broker'),
  STADTDATEN_ANALYTICS_MQTT_KEY_FILE: z
    .string()
    .min(1)
    .optional()
    .meta({ [SECRET]: true })
    .describe('PEM file with the private key of STADTDATEN_ANALYTICS_MQTT_CERT_FILE'),
  STADTDATEN_ANALYTICS_MQTT_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'use 1 to 64 letters, digits, "_" and "-"')
    .default('stadtdaten-analytics')
    .describe('MQTT client id of the analytics service at that broker'),
};

export const analyticsConfigSchema = z
  .object({
    ...commonSettings,
    ...adapterSettings,
    ...keySettings,
    ...residencySettings,
    ...httpSettings(8084),
    ...analyticsSettings,
  })
  .superRefine(requireAdapterSettings);

export type AnalyticsConfig = z.infer<typeof analyticsConfigSchema>;

/** The analytics settings as parsed values, for callers that embed the service. */
export type AnalyticsSettingsConfig = { [K in keyof typeof analyticsSettings]: z.infer<(typeof analyticsSettings)[K]> };
