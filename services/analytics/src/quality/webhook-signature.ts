import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header with the HMAC-SHA-256 signature of a webhook delivery: `t=<unix seconds>,v1=<hex>`. */
export const SIGNATURE_HEADER = 'x-stadtdaten-signature';

/**
 * Signs a webhook body: HMAC-SHA-256 under the webhook's secret over `<unix seconds>.<body>`,
 * so that a receiver can reject both altered bodies and old deliveries sent again.
 */
export function signatureHeader(secret: string, body: string, timestampSeconds: number): string {
  const digest = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');

  return `t=${timestampSeconds},v1=${digest}`;
}

/**
 * Checks a signature header against the body, as a receiver does; a timestamp further than
 * `toleranceSeconds` from `nowSeconds` fails.
 */
export function verifySignature(secret: string, body: string, header: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (match === null || Math.abs(nowSeconds - Number(match[1])) > toleranceSeconds) {
    return false;
  }
  const expected = Buffer.from(signatureHeader(secret, body, Number(match[1])).slice(-64), 'hex');

  return timingSafeEqual(expected, Buffer.from(match[2], 'hex'));
}
