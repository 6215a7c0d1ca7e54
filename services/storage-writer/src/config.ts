import { commonSettings, embeddedAdapterSettings, httpSettings } from '@stadtdaten/config';
import { z } from 'zod';

export const storageWriterConfigSchema = z.object({
  ...commonSettings,
  ...embeddedAdapterSettings,
  ...httpSettings(8083),
});

export type StorageWriterConfig = z.infer<typeof storageWriterConfigSchema>;
