import { type DatastreamBinding, RejectionCode, RejectionError } from '@stadtdaten/contracts';

/** Key management algorithms accepted for end-to-end encrypted values (RFC 7518 section 4). */
const KEY_ALGORITHMS = new Set(['RSA-OAEP-256', 'ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A256KW']);
/** Content encryption algorithms accepted (RFC 7518 section 5). */
const CONTENT_ALGORITHMS = new Set(['A128GCM', 'A256GCM']);

/** Envelope claims a device puts into the JWE protected header; the header is authenticated by the JWE itself. */
export const ENVELOPE_CLAIMS = { tenant: 'sd:tenant', device: 'sd:device', field: 'sd:field', time: 'sd:time' } as const;

export interface EnvelopeContext {
  tenant: string;
  deviceId: string;
  /** Phenomenon time of the reading, UTC epoch ms. */
  timeMs: number;
}

/**
 * Checks an end-to-end encrypted value without decrypting it: a JWE compact serialization
 * whose protected header names the tenant, device, field and time the reading arrived with,
 * encrypted with an accepted algorithm to the owning application's key (`kid`). The
 * ciphertext is stored and forwarded as it is; only that application can read it.
 */
export function checkJweEnvelope(binding: DatastreamBinding, value: unknown, context: EnvelopeContext): string {
  const field = binding.field;
  const reject = (message: string) =>
    new RejectionError(RejectionCode.INVALID_PAYLOAD, `encrypted value of field "${field}": ${message}`, { field });
  if (typeof value !== 'string' || value.split('.').length !== 5) {
    throw reject('expected a JWE in compact serialization (five base64url parts separated by dots); encrypt the value with JWE before sending');
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(value.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw reject('the protected header is not base64url-encoded JSON');
  }
  if (!KEY_ALGORITHMS.has(String(header.alg)) || !CONTENT_ALGORITHMS.has(String(header.enc))) {
    throw reject(
      `alg "${String(header.alg)}" with enc "${String(header.enc)}" is not accepted; use alg ${[...KEY_ALGORITHMS].join(', ')} and enc ${[...CONTENT_ALGORITHMS].join(', ')}`,
    );
  }
  const recipient = binding.valueSchema.recipientKid;
  if (recipient !== undefined && header.kid !== recipient) {
    throw reject(`kid "${String(header.kid)}" is not the key of the owning application ("${recipient}"); encrypt to that key`);
  }
  const expected: Record<string, string> = {
    [ENVELOPE_CLAIMS.tenant]: context.tenant,
    [ENVELOPE_CLAIMS.device]: context.deviceId,
    [ENVELOPE_CLAIMS.field]: field,
    [ENVELOPE_CLAIMS.time]: new Date(context.timeMs).toISOString(),
  };
  for (const [claim, want] of Object.entries(expected)) {
    const stated = header[claim];
    const matches = claim === ENVELOPE_CLAIMS.time ? Date.parse(String(stated)) === context.timeMs : stated === want;
    if (!matches) {
      throw reject(`header ${claim} is ${JSON.stringify(stated)} but the reading arrived as ${JSON.stringify(want)}; the envelope must name the reading it carries`);
    }
  }

  return value;
}
