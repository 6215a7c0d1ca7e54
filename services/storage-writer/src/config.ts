import { adapterSettings, commonSettings, httpSettings, keySettings, requireAdapterSettings, residencySettings, rateLimitSettings } from '@stadtdaten/config';
import { z } from 'zod';

export const storageWriterConfigSchema = z
  .object({
    ...commonSettings,
    ...adapterSettings,
    ...keySettings,
    ...residencySettings,
    ...rateLimitSettings,
    ...httpSettings(8083),
  })
  .superRefine(requireAdapterSettings);

export type StorageWriterConfig = z.infer<typeof storageWriterConfigSchema>;
