import { isIP } from 'node:net';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import type { AdapterConfig } from './adapter-settings';

/** A listener or a connection to a production system that carries its traffic without TLS. */
export interface PlaintextChannel {
  kind: 'listener' | 'connection';
  /** Setting that configures it, e.g. `STADTDATEN_KAFKA_BROKERS`. */
  setting: string;
  /** Protocol and address, e.g. `Kafka 127.0.0.1:9092`; never contains credentials. */
  target: string;
  /** Settings that encrypt it. */
  fix: string;
  /** A listener bound to a loopback address, which is allowed without STADTDATEN_ALLOW_PLAINTEXT. */
  loopbackOnly: boolean;
}

/** The settings the check reads; every one is optional, so each service passes its whole configuration. */
export type TransportConfig = Partial<AdapterConfig> & {
  STADTDATEN_HTTP_HOST?: string;
  STADTDATEN_HTTP_PORT?: number;
  STADTDATEN_HTTP_TLS_CERT_FILE?: string;
  /** Bind address of the embedded MQTT broker, in the processes that can run one. */
  STADTDATEN_MQTT_HOST?: string;
  STADTDATEN_MQTT_PORT?: number;
  /** Broker of the analytics service's own MQTT client, which sends quality status messages. */
  STADTDATEN_ANALYTICS_MQTT_URL?: string;
  /** Broker of the query API's own MQTT client, which sends SensorThings observation messages. */
  STADTDATEN_STA_MQTT_URL?: string;
};

const ALLOW_SETTING = 'STADTDATEN_ALLOW_PLAINTEXT';
/** URL schemes of mqtt.js that use TLS. */
const MQTT_TLS_PROTOCOLS = new Set(['mqtts:', 'tls:', 'ssl:', 'wss:']);

/** Returns whether `host` is a loopback address or `localhost`, so only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  const address = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (address === 'localhost') {
    return true;
  }
  if (isIP(address) === 4) {
    return address.startsWith('127.');
  }

  return address === '::1' || /^::ffff:127\./.test(address);
}

/**
 * Returns whether a node-postgres connection URL requests TLS: node-postgres (pg 8) uses TLS
 * when the URL has sslmode (other than disable), sslrootcert, sslcert, sslkey or ssl=true.
 */
export function postgresUrlUsesTls(value: string): boolean {
  let parameters: URLSearchParams;
  try {
    parameters = new URL(value).searchParams;
  } catch {
    return false;
  }
  if (
    parameters.get('sslmode') === 'disable' ||
    parameters.get('ssl') === 'false' ||
    parameters.get('ssl') === '0'
  ) {
    return false;
  }
  if (['sslmode', 'sslrootcert', 'sslcert', 'sslkey'].some((name) => parameters.has(name))) {
    return true;
  }

  return parameters.get('ssl') === 'true' || parameters.get('ssl') === '1';
}

/** Returns protocol, host and port of a URL without its user, password, path and query. */
function urlTarget(value: string | undefined): string {
  try {
    const url = new URL(value ?? '');

    return `${url.protocol}//${url.host}`;
  } catch {
    return '(unparsable URL)';
  }
}

function isHttps(value: string | undefined): boolean {
  return value !== undefined && urlTarget(value).startsWith('https:');
}

function isMqttTls(value: string | undefined): boolean {
  const target = urlTarget(value);

  return MQTT_TLS_PROTOCOLS.has(target.slice(0, target.indexOf('//')));
}

/** Connections to production systems that the configuration sets up without TLS. */
export function plaintextConnections(config: TransportConfig): PlaintextChannel[] {
  const channels: PlaintextChannel[] = [];
  const connection = (setting: string, target: string, fix: string) =>
    channels.push({ kind: 'connection', setting, target, fix, loopbackOnly: false });

  if (
    config.STADTDATEN_EVENT_LOG === 'kafka' &&
    config.STADTDATEN_KAFKA_SSL !== true &&
    config.STADTDATEN_KAFKA_SSL_CA_FILE === undefined
  ) {
    connection(
      'STADTDATEN_KAFKA_BROKERS',
      `Kafka ${(config.STADTDATEN_KAFKA_BROKERS ?? []).join(',')}`,
      'set STADTDATEN_KAFKA_SSL_CA_FILE, or STADTDATEN_KAFKA_SSL=true for brokers with a certificate of a public CA',
    );
  }
  if (
    config.STADTDATEN_REGISTRY === 'postgres' &&
    !postgresUrlUsesTls(config.STADTDATEN_POSTGRES_URL ?? '')
  ) {
    connection(
      'STADTDATEN_POSTGRES_URL',
      `PostgreSQL ${urlTarget(config.STADTDATEN_POSTGRES_URL)}`,
      'add ?sslmode=verify-full&sslrootcert=<CA file> to STADTDATEN_POSTGRES_URL',
    );
  }
  if (config.STADTDATEN_TIMESERIES === 'influxdb' && !isHttps(config.STADTDATEN_INFLUXDB_URL)) {
    connection(
      'STADTDATEN_INFLUXDB_URL',
      `InfluxDB ${urlTarget(config.STADTDATEN_INFLUXDB_URL)}`,
      'use an https:// URL, with STADTDATEN_INFLUXDB_CA_FILE for a private CA',
    );
  }
  if (config.STADTDATEN_AUTH === 'oidc') {
    for (const setting of ['STADTDATEN_OIDC_ISSUER', 'STADTDATEN_OIDC_JWKS_URL'] as const) {
      const url = config[setting];
      if ((setting === 'STADTDATEN_OIDC_ISSUER' || url !== undefined) && !isHttps(url)) {
        connection(
          setting,
          `OIDC ${urlTarget(url)}`,
          'use an https:// URL, with STADTDATEN_OIDC_CA_FILE for a private CA',
        );
      }
    }
  }
  if (config.STADTDATEN_MQTT === 'external' && !isMqttTls(config.STADTDATEN_MQTT_URL)) {
    connection(
      'STADTDATEN_MQTT_URL',
      `MQTT ${urlTarget(config.STADTDATEN_MQTT_URL)}`,
      'use an mqtts:// URL with STADTDATEN_MQTT_CA_FILE',
    );
  }
  if (config.STADTDATEN_ANALYTICS_MQTT_URL !== undefined && !isMqttTls(config.STADTDATEN_ANALYTICS_MQTT_URL)) {
    connection(
      'STADTDATEN_ANALYTICS_MQTT_URL',
      `MQTT ${urlTarget(config.STADTDATEN_ANALYTICS_MQTT_URL)}`,
      'use an mqtts:// URL with STADTDATEN_ANALYTICS_MQTT_CA_FILE',
    );
  }
  if (config.STADTDATEN_STA_MQTT_URL !== undefined && !isMqttTls(config.STADTDATEN_STA_MQTT_URL)) {
    connection(
      'STADTDATEN_STA_MQTT_URL',
      `MQTT ${urlTarget(config.STADTDATEN_STA_MQTT_URL)}`,
      'use an mqtts:// URL with STADTDATEN_STA_MQTT_CA_FILE',
    );
  }

  return channels;
}

/** Listeners of the process without TLS: HTTP without a certificate, and the embedded MQTT broker. */
export function plaintextListeners(config: TransportConfig): PlaintextChannel[] {
  const channels: PlaintextChannel[] = [];
  const host = config.STADTDATEN_HTTP_HOST;
  if (host !== undefined && config.STADTDATEN_HTTP_TLS_CERT_FILE === undefined) {
    channels.push({
      kind: 'listener',
      setting: 'STADTDATEN_HTTP_HOST',
      target: `HTTP ${host}:${config.STADTDATEN_HTTP_PORT ?? ''}`,
      fix: 'set STADTDATEN_HTTP_TLS_CERT_FILE and STADTDATEN_HTTP_TLS_KEY_FILE',
      loopbackOnly: isLoopbackHost(host),
    });
  }
  const mqttHost = config.STADTDATEN_MQTT_HOST;
  if (mqttHost !== undefined && config.STADTDATEN_MQTT !== 'external') {
    // NOTE: the embedded broker (Aedes) listens without TLS; devices outside this machine need an external broker.
    channels.push({
      kind: 'listener',
      setting: 'STADTDATEN_MQTT_HOST',
      target: `MQTT ${mqttHost}:${config.STADTDATEN_MQTT_PORT ?? ''}`,
      fix: 'bind it to 127.0.0.1, or use an external broker with TLS (STADTDATEN_MQTT=external, mqtts://)',
      loopbackOnly: isLoopbackHost(mqttHost),
    });
  }

  return channels;
}

/**
 * Returns every plaintext listener and connection of the configuration. Throws AppError
 * INVALID_CONFIG, naming each setting and its fix, when a connection or a listener on a
 * non-loopback address is plaintext and STADTDATEN_ALLOW_PLAINTEXT is not true.
 */
export function checkPlaintext(config: TransportConfig): PlaintextChannel[] {
  const channels = [...plaintextListeners(config), ...plaintextConnections(config)];
  const rejected = channels.filter((channel) => !channel.loopbackOnly);
  if (rejected.length > 0 && config.STADTDATEN_ALLOW_PLAINTEXT !== true) {
    const lines = rejected.map(
      (channel) =>
        `${channel.setting}: ${channel.target} ${channel.kind === 'listener' ? 'listens' : 'connects'} without TLS; ${channel.fix}`,
    );
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `plaintext ${rejected.length === 1 ? 'listener or connection' : 'listeners or connections'} not allowed:\n  ${lines.join('\n  ')}\nencrypt ${rejected.length === 1 ? 'it' : 'them'} as named, or add ${ALLOW_SETTING}=true to accept plaintext (each is then logged as a warning)`,
      { details: { settings: rejected.map((channel) => channel.setting) } },
    );
  }

  return channels;
}
