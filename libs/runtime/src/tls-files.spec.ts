import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '@stadtdaten/contracts';
import { kafkaSecurityOptions, readHttpsOptions, readPemFile } from './tls-files';

describe('tls-files', () => {
  let dir: string;
  let caFile: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'stadtdaten-tls-files-'));
    caFile = join(dir, 'ca.crt');
    writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('readPemFile', () => {
    it('names the setting of a missing file', () => {
      const missing = join(dir, 'missing.crt');

      expect(() => readPemFile('STADTDATEN_OIDC_CA_FILE', missing)).toThrow(
        expect.objectContaining({
          code: ErrorCode.INVALID_CONFIG,
          message: expect.stringContaining(`STADTDATEN_OIDC_CA_FILE names ${missing}, which cannot be read`),
        }),
      );
    });
  });

  describe('kafkaSecurityOptions', () => {
    it('turns TLS on with the CA file', () => {
      const { ssl } = kafkaSecurityOptions({ STADTDATEN_KAFKA_SSL_CA_FILE: caFile });

      expect(ssl).toEqual({ ca: [expect.any(Buffer)] });
      expect(String((ssl as { ca: Buffer[] }).ca[0])).toContain('BEGIN CERTIFICATE');
    });

    it('turns TLS on without a CA file', () => {
      expect(kafkaSecurityOptions({ STADTDATEN_KAFKA_SSL: true }).ssl).toBe(true);
    });

    it('leaves TLS and SASL off by default', () => {
      expect(kafkaSecurityOptions({})).toEqual({ ssl: undefined, sasl: undefined });
    });

    it('returns new SASL options per call', () => {
      const adapters = {
        STADTDATEN_KAFKA_SASL_MECHANISM: 'scram-sha-512' as const,
        STADTDATEN_KAFKA_SASL_USERNAME: 'validator',
        STADTDATEN_KAFKA_SASL_PASSWORD: 'secret',
      };
      const first = kafkaSecurityOptions(adapters).sasl;
      const second = kafkaSecurityOptions(adapters).sasl;

      expect(first).toEqual({ mechanism: 'scram-sha-512', username: 'validator', password: 'secret' });
      expect(second).toEqual(first);
      expect(second).not.toBe(first);
    });
  });

  describe('readHttpsOptions', () => {
    it('returns undefined without a certificate', () => {
      expect(readHttpsOptions({})).toBeUndefined();
    });

    it('reads certificate and key', () => {
      const https = readHttpsOptions({
        STADTDATEN_HTTP_TLS_CERT_FILE: caFile,
        STADTDATEN_HTTP_TLS_KEY_FILE: caFile,
      });

      expect(https?.cert).toBeInstanceOf(Buffer);
      expect(https?.key).toBeInstanceOf(Buffer);
    });
  });
});
