import { type AnalyticsDefinition, loadAnalyticsDefinition } from './definition/analytics-definition.loader';
import type { AnalyticsSettingsConfig } from './config';

/** Connection of the MQTT client that sends quality status messages where no MQTT edge runs in the process. */
export interface MqttClientOptions {
  url: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  clientId: string;
}

/** Timings that tests shorten; production keeps the defaults. */
export interface AnalyticsTimings {
  /** Delay before the first run of each scheduled job after start, in milliseconds. */
  initialDelayMs: number;
  /**
   * Maximum time registry reads (tenants, devices, datastreams) are reused, in milliseconds. A
   * registry change that RegistryService reports ends the reuse earlier.
   */
  directoryTtlMs: number;
  /** How often the consumer lag is read for /metrics and the jobs view, in milliseconds. */
  lagRefreshMs: number;
}

export const DEFAULT_TIMINGS: AnalyticsTimings = { initialDelayMs: 5000, directoryTtlMs: 600_000, lagRefreshMs: 5000 };

/** Settings of the analytics module: the job definitions, notification targets and switches. */
export class AnalyticsSettings {
  constructor(
    readonly definition: AnalyticsDefinition,
    readonly mqttClient?: MqttClientOptions,
    readonly enabled = true,
    readonly timings: AnalyticsTimings = DEFAULT_TIMINGS,
  ) {}

  /** Reads STADTDATEN_ANALYTICS_FILE (or the built-in jobs); throws AppError INVALID_CONFIG on a bad file. */
  static fromConfig(config: Partial<AnalyticsSettingsConfig>, timings: Partial<AnalyticsTimings> = {}): AnalyticsSettings {
    const definition = loadAnalyticsDefinition(config.STADTDATEN_ANALYTICS_FILE);
    const mqttClient =
      config.STADTDATEN_ANALYTICS_MQTT_URL === undefined
        ? undefined
        : {
            url: config.STADTDATEN_ANALYTICS_MQTT_URL,
            caFile: config.STADTDATEN_ANALYTICS_MQTT_CA_FILE,
            certFile: config.STADTDATEN_ANALYTICS_MQTT_CERT_FILE,
            keyFile: config.STADTDATEN_ANALYTICS_MQTT_KEY_FILE,
            clientId: config.STADTDATEN_ANALYTICS_MQTT_CLIENT_ID ?? 'stadtdaten-analytics',
          };

    return new AnalyticsSettings(definition, mqttClient, config.STADTDATEN_ANALYTICS ?? true, { ...DEFAULT_TIMINGS, ...timings });
  }
}
