import { adapterSettings, commonSettings, httpSettings, keySettings, requireAdapterSettings, residencySettings, signingSettings, rateLimitSettings } from '@stadtdaten/config';
import { z } from 'zod';

export const validatorConfigSchema = z
  .object({
    ...commonSettings,
    ...adapterSettings,
    ...keySettings,
    ...residencySettings,
    ...rateLimitSettings,
    ...signingSettings,
    ...httpSettings(8082),
    STADTDATEN_MAX_PAYLOAD_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(262_144)
      .describe('largest accepted payload in bytes; larger ones go to the dead letter'),
  })
  .superRefine(requireAdapterSettings);

export type ValidatorConfig = z.infer<typeof validatorConfigSchema>;
