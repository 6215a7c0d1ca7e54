import { ErrorCode } from '@stadtdaten/contracts';
import {
  type TransportConfig,
  checkPlaintext,
  isLoopbackHost,
  plaintextConnections,
  plaintextListeners,
  postgresUrlUsesTls,
} from './transport-security';

const CA = '/etc/stadtdaten/ca.crt';

/** Builds a production configuration in which every listener and connection uses TLS. */
function makeConfig(overrides: Partial<TransportConfig> = {}): TransportConfig {
  return {
    STADTDATEN_HTTP_HOST: '0.0.0.0',
    STADTDATEN_HTTP_PORT: 8443,
    STADTDATEN_HTTP_TLS_CERT_FILE: '/etc/stadtdaten/tls.crt',
    STADTDATEN_EVENT_LOG: 'kafka',
    STADTDATEN_KAFKA_BROKERS: ['kafka-0.example:9093'],
    STADTDATEN_KAFKA_SSL_CA_FILE: CA,
    STADTDATEN_REGISTRY: 'postgres',
    STADTDATEN_POSTGRES_URL: `postgres://app:secret@db.example:5432/stadtdaten?sslmode=verify-full&sslrootcert=${CA}`,
    STADTDATEN_TIMESERIES: 'influxdb',
    STADTDATEN_INFLUXDB_URL: 'https://influxdb.example:8086',
    STADTDATEN_AUTH: 'oidc',
    STADTDATEN_OIDC_ISSUER: 'https://idp.example/realms/stadtdaten',
    STADTDATEN_MQTT: 'external',
    STADTDATEN_MQTT_URL: 'mqtts://mqtt.example:8883',
    STADTDATEN_ANALYTICS_MQTT_URL: 'mqtts://mqtt.example:8883',
    STADTDATEN_STA_MQTT_URL: 'mqtts://mqtt.example:8883',
    STADTDATEN_ALLOW_PLAINTEXT: false,
    ...overrides,
  };
}

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1'])(
    'accepts %s',
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
    },
  );

  it.each(['0.0.0.0', '::', '10.0.0.5', 'example.org', '128.0.0.1'])('rejects %s', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('postgresUrlUsesTls', () => {
  it.each([
    ['postgres://u:p@h:5432/d?sslmode=verify-full&sslrootcert=/ca.crt', true],
    ['postgres://u:p@h:5432/d?sslmode=require', true],
    ['postgres://u:p@h:5432/d?ssl=true', true],
    ['postgres://u:p@h:5432/d?sslrootcert=/ca.crt', true],
    ['postgres://u:p@h:5432/d', false],
    ['postgres://u:p@h:5432/d?sslmode=disable', false],
    ['postgres://u:p@h:5432/d?ssl=false', false],
    ['not a url', false],
  ])('reads %s as %s', (url, expected) => {
    expect(postgresUrlUsesTls(url)).toBe(expected);
  });
});

describe('plaintextConnections', () => {
  it('finds none with TLS everywhere', () => {
    expect(plaintextConnections(makeConfig())).toEqual([]);
  });

  it.each<[string, Partial<TransportConfig>]>([
    ['STADTDATEN_KAFKA_BROKERS', { STADTDATEN_KAFKA_SSL_CA_FILE: undefined }],
    [
      'STADTDATEN_POSTGRES_URL',
      { STADTDATEN_POSTGRES_URL: 'postgres://app:secret@db.example:5432/stadtdaten' },
    ],
    ['STADTDATEN_INFLUXDB_URL', { STADTDATEN_INFLUXDB_URL: 'http://influxdb.example:8086' }],
    ['STADTDATEN_OIDC_ISSUER', { STADTDATEN_OIDC_ISSUER: 'http://idp.example/realms/stadtdaten' }],
    ['STADTDATEN_OIDC_JWKS_URL', { STADTDATEN_OIDC_JWKS_URL: 'http://idp.example/certs' }],
    ['STADTDATEN_MQTT_URL', { STADTDATEN_MQTT_URL: 'mqtt://mqtt.example:1883' }],
    ['STADTDATEN_ANALYTICS_MQTT_URL', { STADTDATEN_ANALYTICS_MQTT_URL: 'mqtt://mqtt.example:1883' }],
    ['STADTDATEN_STA_MQTT_URL', { STADTDATEN_STA_MQTT_URL: 'mqtt://mqtt.example:1883' }],
  ])('finds %s', (setting, overrides) => {
    expect(plaintextConnections(makeConfig(overrides)).map((channel) => channel.setting)).toEqual([setting]);
  });

  it('ignores an unset analytics MQTT URL', () => {
    const config = makeConfig({ STADTDATEN_ANALYTICS_MQTT_URL: undefined });

    expect(plaintextConnections(config)).toEqual([]);
  });

  it('checks the analytics MQTT URL without an external gateway broker', () => {
    const config = makeConfig({
      STADTDATEN_MQTT: 'embedded',
      STADTDATEN_ANALYTICS_MQTT_URL: 'mqtt://user:secret@mqtt.example:1883',
    });

    expect(plaintextConnections(config)).toEqual([
      {
        kind: 'connection',
        setting: 'STADTDATEN_ANALYTICS_MQTT_URL',
        target: 'MQTT mqtt://mqtt.example:1883',
        fix: 'use an mqtts:// URL with STADTDATEN_ANALYTICS_MQTT_CA_FILE',
        loopbackOnly: false,
      },
    ]);
  });

  it('takes STADTDATEN_KAFKA_SSL without a CA file as TLS', () => {
    const config = makeConfig({ STADTDATEN_KAFKA_SSL_CA_FILE: undefined, STADTDATEN_KAFKA_SSL: true });

    expect(plaintextConnections(config)).toEqual([]);
  });

  it('ignores the settings of embedded adapters', () => {
    const config = makeConfig({
      STADTDATEN_EVENT_LOG: 'sqlite',
      STADTDATEN_REGISTRY: 'sqlite',
      STADTDATEN_TIMESERIES: 'sqlite',
      STADTDATEN_AUTH: 'builtin',
      STADTDATEN_MQTT: 'embedded',
      STADTDATEN_KAFKA_SSL_CA_FILE: undefined,
      STADTDATEN_INFLUXDB_URL: 'http://influxdb.example:8086',
    });

    expect(plaintextConnections(config)).toEqual([]);
  });

  it('leaves credentials out of the target', () => {
    const [channel] = plaintextConnections(
      makeConfig({ STADTDATEN_POSTGRES_URL: 'postgres://app:secret@db.example:5432/stadtdaten' }),
    );

    expect(channel.target).toBe('PostgreSQL postgres://db.example:5432');
  });
});

describe('plaintextListeners', () => {
  it('finds none with a certificate and an external broker', () => {
    expect(plaintextListeners(makeConfig())).toEqual([]);
  });

  it('marks HTTP on loopback as loopback only', () => {
    const config = makeConfig({
      STADTDATEN_HTTP_HOST: '127.0.0.1',
      STADTDATEN_HTTP_TLS_CERT_FILE: undefined,
    });

    expect(plaintextListeners(config)).toEqual([
      expect.objectContaining({
        setting: 'STADTDATEN_HTTP_HOST',
        target: 'HTTP 127.0.0.1:8443',
        loopbackOnly: true,
      }),
    ]);
  });

  it('finds the embedded MQTT broker on all interfaces', () => {
    const config = makeConfig({
      STADTDATEN_MQTT: 'embedded',
      STADTDATEN_MQTT_HOST: '0.0.0.0',
      STADTDATEN_MQTT_PORT: 1883,
    });

    expect(plaintextListeners(config)).toEqual([
      expect.objectContaining({
        setting: 'STADTDATEN_MQTT_HOST',
        target: 'MQTT 0.0.0.0:1883',
        loopbackOnly: false,
      }),
    ]);
  });
});

describe('checkPlaintext', () => {
  it('accepts TLS everywhere', () => {
    expect(checkPlaintext(makeConfig())).toEqual([]);
  });

  it('accepts plaintext listeners on loopback without the allowance', () => {
    const config = makeConfig({
      STADTDATEN_HTTP_HOST: '127.0.0.1',
      STADTDATEN_HTTP_TLS_CERT_FILE: undefined,
      STADTDATEN_MQTT: 'embedded',
      STADTDATEN_MQTT_HOST: '127.0.0.1',
    });

    expect(checkPlaintext(config).map((channel) => channel.setting)).toEqual([
      'STADTDATEN_HTTP_HOST',
      'STADTDATEN_MQTT_HOST',
    ]);
  });

  it('rejects plaintext naming each setting and the allowance', () => {
    const config = makeConfig({
      STADTDATEN_HTTP_TLS_CERT_FILE: undefined,
      STADTDATEN_INFLUXDB_URL: 'http://influxdb.example:8086',
    });

    expect(() => checkPlaintext(config)).toThrow(
      expect.objectContaining({
        code: ErrorCode.INVALID_CONFIG,
        message: expect.stringMatching(
          /STADTDATEN_HTTP_HOST: HTTP 0\.0\.0\.0:8443 listens without TLS[^\n]*\n {2}STADTDATEN_INFLUXDB_URL: InfluxDB http:\/\/influxdb\.example:8086 connects without TLS[\s\S]*STADTDATEN_ALLOW_PLAINTEXT=true/,
        ),
      }),
    );
  });

  it('rejects a plaintext analytics MQTT URL on loopback', () => {
    const config = makeConfig({ STADTDATEN_ANALYTICS_MQTT_URL: 'mqtt://127.0.0.1:1883' });

    expect(() => checkPlaintext(config)).toThrow(
      expect.objectContaining({
        code: ErrorCode.INVALID_CONFIG,
        message: expect.stringContaining(
          'STADTDATEN_ANALYTICS_MQTT_URL: MQTT mqtt://127.0.0.1:1883 connects without TLS; use an mqtts:// URL with STADTDATEN_ANALYTICS_MQTT_CA_FILE',
        ),
      }),
    );
  });

  it('returns a plaintext analytics MQTT URL with the allowance', () => {
    const config = makeConfig({
      STADTDATEN_ANALYTICS_MQTT_URL: 'mqtt://mqtt.example:1883',
      STADTDATEN_ALLOW_PLAINTEXT: true,
    });

    expect(checkPlaintext(config).map((channel) => channel.setting)).toEqual(['STADTDATEN_ANALYTICS_MQTT_URL']);
  });

  it('returns plaintext channels with the allowance', () => {
    const config = makeConfig({
      STADTDATEN_KAFKA_SSL_CA_FILE: undefined,
      STADTDATEN_ALLOW_PLAINTEXT: true,
    });

    expect(checkPlaintext(config)).toEqual([
      expect.objectContaining({
        kind: 'connection',
        setting: 'STADTDATEN_KAFKA_BROKERS',
        loopbackOnly: false,
      }),
    ]);
  });
});
