import { ErrorCode } from '@stadtdaten/contracts';
import { z } from 'zod';
import { adapterSettings, requireAdapterSettings } from './adapter-settings';
import { httpSettings } from './common-settings';
import { loadConfig, maskSecrets } from './config-loader';

const schema = z.object({ ...adapterSettings, ...httpSettings(8080) }).superRefine(requireAdapterSettings);

describe('requireAdapterSettings', () => {
  it('requires the SASL user and password with a mechanism', () => {
    expect(() => loadConfig(schema, { STADTDATEN_KAFKA_SASL_MECHANISM: 'scram-sha-512' })).toThrow(
      expect.objectContaining({
        code: ErrorCode.INVALID_CONFIG,
        details: {
          problems: [
            expect.stringMatching(
              /^STADTDATEN_KAFKA_SASL_USERNAME \(not set\): is required when STADTDATEN_KAFKA_SASL_MECHANISM is set/,
            ),
            expect.stringMatching(
              /^STADTDATEN_KAFKA_SASL_PASSWORD \(not set\): is required when STADTDATEN_KAFKA_SASL_MECHANISM is set/,
            ),
          ],
        },
      }),
    );
  });

  it('requires the HTTPS key with a certificate', () => {
    expect(() => loadConfig(schema, { STADTDATEN_HTTP_TLS_CERT_FILE: '/etc/tls.crt' })).toThrow(
      expect.objectContaining({
        message: expect.stringContaining(
          'STADTDATEN_HTTP_TLS_KEY_FILE (not set): is required when STADTDATEN_HTTP_TLS_CERT_FILE is set',
        ),
      }),
    );
  });

  it('accepts complete groups', () => {
    const config = loadConfig(schema, {
      STADTDATEN_KAFKA_SASL_MECHANISM: 'scram-sha-512',
      STADTDATEN_KAFKA_SASL_USERNAME: 'validator',
      STADTDATEN_KAFKA_SASL_PASSWORD: 'secret',
      STADTDATEN_HTTP_TLS_CERT_FILE: '/etc/tls.crt',
      STADTDATEN_HTTP_TLS_KEY_FILE: '/etc/tls.key',
    });

    expect(config.STADTDATEN_KAFKA_SASL_USERNAME).toBe('validator');
    expect(config.STADTDATEN_HTTP_TLS_KEY_FILE).toBe('/etc/tls.key');
  });
});

describe('maskSecrets', () => {
  it('masks the Kafka password', () => {
    const config = loadConfig(schema, {
      STADTDATEN_KAFKA_SASL_MECHANISM: 'scram-sha-512',
      STADTDATEN_KAFKA_SASL_USERNAME: 'validator',
      STADTDATEN_KAFKA_SASL_PASSWORD: 'secret',
    });

    expect(maskSecrets(schema, config)).toMatchObject({
      STADTDATEN_KAFKA_SASL_USERNAME: 'validator',
      STADTDATEN_KAFKA_SASL_PASSWORD: '***',
    });
  });
});
