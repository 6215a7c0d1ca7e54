import type { RejectionError } from '@stadtdaten/contracts';

/** Message metadata and device-type settings that a decoder uses besides the payload bytes. */
export interface DecodeContext {
  /** Device id from the authenticated topic or identity. */
  deviceId: string;
  /** Receive time (UTC epoch ms), used for readings that carry no time. */
  receivedAtMs: number;
  /** IANA zone for local times without an offset, from the device type; undefined rejects such times. */
  timeZone?: string;
  /** LoRaWAN byte codec name from the device type; undefined uses the network server's decoded object. */
  codec?: string;
  /** Current time (UTC epoch ms), injected so that decoding never reads the clock. */
  nowMs: number;
}

/** One decoded value, before the validator maps it to a datastream. */
export interface DecodedReading {
  /** ctx.deviceId, unless the format names the device in the payload (sensor-community). */
  deviceId: string;
  /** Decoded field name, e.g. temperature, P1, pm2_5; the device type maps it to a datastream. */
  field: string;
  /** The value as decoded; the validator checks type, range and finiteness. */
  value: unknown;
  /** Unit stated in the payload (SenML `u`), else undefined. */
  unit?: string;
  /** Resolved UTC epoch ms; the receive time when the payload has no time. */
  timeMs: number;
  /** 0-based position of the entry (array element, SenML record) that carried the reading. */
  entryIndex: number;
}

/** Readings and per-entry failures of one payload. Whole-payload failures are thrown instead. */
export interface DecodeResult {
  readings: DecodedReading[];
  rejections: RejectionError[];
}

/**
 * Decoder of one payload format. The caller picks it by name (from the topic, the content
 * type or the device type) and never by looking at the message.
 */
export interface PayloadDecoder {
  readonly name: string;
  /** Media types this format arrives with; several formats share application/json. */
  readonly contentTypes: readonly string[];
  /** Throws RejectionError when the payload as a whole cannot be decoded. */
  decode(payload: Uint8Array, ctx: DecodeContext): DecodeResult;
}
