import {
  SECRET,
  adapterSettings,
  commonSettings,
  httpSettings,
  keySettings,
  requireAdapterSettings,
  residencySettings,
  rateLimitSettings,
} from '@stadtdaten/config';
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
    STADTDATEN_STA_MQTT_URL: z
      .string()
      .regex(/^mqtts?:\/\//, 'use an mqtt:// or mqtts:// address')
      .optional()
      .describe(
        'MQTT broker that receives new observations of public datastreams as SensorThings messages (v1.1/tenants/<tenant>/Datastreams(...)/Observations), e.g. mqtts://mosquitto:8883; unset publishes none; a plaintext mqtt:// URL stops the start unless STADTDATEN_ALLOW_PLAINTEXT=true',
      ),
    STADTDATEN_STA_MQTT_CA_FILE: z.string().min(1).optional().describe('PEM file with the CA certificate of that broker'),
    STADTDATEN_STA_MQTT_CERT_FILE: z
      .string()
      .min(1)
      .optional()
      .describe('PEM file with the client certificate of the query API at that broker'),
    STADTDATEN_STA_MQTT_KEY_FILE: z
      .string()
      .min(1)
      .optional()
      .meta({ [SECRET]: true })
      .describe('PEM file with the private key of STADTDATEN_STA_MQTT_CERT_FILE'),
    STADTDATEN_STA_MQTT_CLIENT_ID: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'use 1 to 64 letters, digits, "_" and "-"')
      .default('stadtdaten-sensorthings')
      .describe(
        'prefix of the MQTT client id of the query API at that broker; each connection appends "-" and 16 random hex digits, so that no other client can take over the connection by its client id',
      ),
    STADTDATEN_DASHBOARD_OIDC_CLIENT_ID: z
      .string()
      .default('dashboard')
      .describe('public OIDC client of the admin console (authorization code flow with PKCE); used when STADTDATEN_AUTH=oidc'),
  })
  .superRefine(requireAdapterSettings);

export type QueryApiConfig = z.infer<typeof queryApiConfigSchema>;
