import { readFileSync } from 'node:fs';
import type { AdapterConfig } from '@stadtdaten/config';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import type { KafkaEventLogOptions } from '@stadtdaten/event-log';

/** Reads a PEM file named by a setting; throws INVALID_CONFIG naming the setting when it cannot be read. */
export function readPemFile(setting: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `${setting} names ${path}, which cannot be read: ${(error as Error).message}; point it to a readable PEM file`,
      { cause: error, details: { setting, path } },
    );
  }
}

/** Reads the CA file of a setting, or returns undefined when the setting is unset. */
export function readOptionalCa(setting: string, path: string | undefined): Buffer | undefined {
  return path === undefined ? undefined : readPemFile(setting, path);
}

/**
 * Builds the TLS and SASL options of the Kafka event log. TLS is on with STADTDATEN_KAFKA_SSL or
 * a CA file. Each call returns new objects, because kafkajs stores state on the sasl object.
 */
export function kafkaSecurityOptions(
  adapters: Partial<AdapterConfig>,
): Pick<KafkaEventLogOptions, 'ssl' | 'sasl'> {
  const caFile = adapters.STADTDATEN_KAFKA_SSL_CA_FILE;
  const ssl =
    caFile !== undefined
      ? { ca: [readPemFile('STADTDATEN_KAFKA_SSL_CA_FILE', caFile)] }
      : adapters.STADTDATEN_KAFKA_SSL === true || undefined;
  const mechanism = adapters.STADTDATEN_KAFKA_SASL_MECHANISM;
  if (mechanism === undefined) {
    return { ssl, sasl: undefined };
  }
  const credentials = {
    username: adapters.STADTDATEN_KAFKA_SASL_USERNAME ?? '',
    password: adapters.STADTDATEN_KAFKA_SASL_PASSWORD ?? '',
  };

  // Two branches, so that TypeScript narrows the mechanism to one member of kafkajs' SASLOptions union.
  return {
    ssl,
    sasl: mechanism === 'scram-sha-512' ? { mechanism, ...credentials } : { mechanism, ...credentials },
  };
}

/** Key and certificate of the HTTPS listener, or undefined for plain HTTP. */
export interface HttpTlsFiles {
  STADTDATEN_HTTP_TLS_CERT_FILE?: string;
  STADTDATEN_HTTP_TLS_KEY_FILE?: string;
}

/** Reads the HTTPS certificate and key, or returns undefined when the settings are unset. */
export function readHttpsOptions(config: HttpTlsFiles): { cert: Buffer; key: Buffer } | undefined {
  const { STADTDATEN_HTTP_TLS_CERT_FILE: certFile, STADTDATEN_HTTP_TLS_KEY_FILE: keyFile } = config;
  if (certFile === undefined || keyFile === undefined) {
    return undefined;
  }

  return {
    cert: readPemFile('STADTDATEN_HTTP_TLS_CERT_FILE', certFile),
    key: readPemFile('STADTDATEN_HTTP_TLS_KEY_FILE', keyFile),
  };
}
