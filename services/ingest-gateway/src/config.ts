import {
  adapterSettings,
  commonSettings,
  connectorSettings,
  keySettings,
  residencySettings,
  httpSettings,
  portSetting,
  rateLimitSettings,
  requireAdapterSettings,
} from '@stadtdaten/config';
import { z } from 'zod';

export const ingestConfigSchema = z
  .object({
    ...commonSettings,
    ...adapterSettings,
    ...keySettings,
    ...residencySettings,
    ...rateLimitSettings,
    ...connectorSettings,
    ...httpSettings(8081),
    STADTDATEN_MQTT_HOST: z
      .string()
      .default('127.0.0.1')
      .describe('address the embedded MQTT broker binds to'),
    STADTDATEN_MQTT_PORT: portSetting(1883).describe(
      'port of the embedded MQTT broker (0 picks a free port)',
    ),
    STADTDATEN_MAX_PAYLOAD_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(262_144)
      .describe('largest accepted payload in bytes; larger ones go to the dead letter'),
  })
  .superRefine(requireAdapterSettings);

export type IngestConfig = z.infer<typeof ingestConfigSchema>;
