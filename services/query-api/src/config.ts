import { adapterSettings, commonSettings, httpSettings, keySettings, requireAdapterSettings, residencySettings, rateLimitSettings } from '@stadtdaten/config';
import { openDataSettings } from '@stadtdaten/opendata';
import { z } from 'zod';

export const queryApiConfigSchema = z
  .object({
    ...commonSettings,
    ...adapterSettings,
    ...keySettings,
    ...residencySettings,
    ...rateLimitSettings,
    ...httpSettings(8080),
    ...openDataSettings,
    STADTDATEN_TILE_URL: z
      .string()
      .url()
      .optional()
      .describe(
        'tile URL template for the dashboard map, e.g. https://tiles.example/{z}/{x}/{y}.png; unset draws the city outline only',
      ),
    STADTDATEN_DASHBOARD_TENANT: z
      .string()
      .default('darmstadt')
      .describe('tenant the public dashboard shows'),
    STADTDATEN_DASHBOARD_OIDC_CLIENT_ID: z
      .string()
      .default('dashboard')
      .describe('public OIDC client of the admin console (authorization code flow with PKCE); used when STADTDATEN_AUTH=oidc'),
  })
  .superRefine(requireAdapterSettings);

export type QueryApiConfig = z.infer<typeof queryApiConfigSchema>;
