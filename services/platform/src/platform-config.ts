import {
  adapterSettings,
  booleanSetting,
  commonSettings,
  connectorSettings,
  httpTlsSettings,
  portSetting,
  rateLimitSettings,
  requireSettingGroups,
  signingSettings,
} from '@stadtdaten/config';
import { analyticsSettings } from '@stadtdaten/analytics';
import { openDataSettings } from '@stadtdaten/opendata';
import { z } from 'zod';

/** Settings of the all-in-one platform; command-line options override them. */
export const platformConfigSchema = z.object({
  ...commonSettings,
  ...connectorSettings,
  ...openDataSettings,
  ...signingSettings,
  ...analyticsSettings,
  STADTDATEN_HTTP_HOST: z.string().default('127.0.0.1').describe('address the HTTP server binds to'),
  STADTDATEN_HTTP_PORT: portSetting(8080).describe('HTTP port of the API and the dashboard (0 picks a free port)'),
  ...httpTlsSettings,
  ...rateLimitSettings,
  STADTDATEN_ALLOW_PLAINTEXT: adapterSettings.STADTDATEN_ALLOW_PLAINTEXT,
  STADTDATEN_MQTT_HOST: z.string().default('127.0.0.1').describe('address the MQTT broker binds to'),
  STADTDATEN_MQTT_PORT: portSetting(1883).describe('MQTT port (0 picks a free port)'),
  STADTDATEN_MAX_PAYLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(262_144)
    .describe('largest accepted payload in bytes; larger ones go to the dead letter'),
  STADTDATEN_DEMO: booleanSetting(true).describe('load the Darmstadt demo catalog and run the simulated fleet'),
  STADTDATEN_DEMO_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(5000)
    .describe('milliseconds between two readings of each simulated device'),
  STADTDATEN_TILE_URL: z.string().url().optional().describe('tile URL template for the dashboard map; unset draws the city outline only'),
  STADTDATEN_DASHBOARD_TENANT: z.string().default('darmstadt').describe('tenant the public dashboard shows'),
}).superRefine(requireSettingGroups);

export type PlatformConfig = z.infer<typeof platformConfigSchema>;
