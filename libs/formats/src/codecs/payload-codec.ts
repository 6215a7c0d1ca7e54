/**
 * Decodes the application payload bytes of one LoRaWAN device model into named fields.
 * Field names are snake_case with the unit left out (the device type maps them to
 * observed properties and UCUM units).
 */
export interface PayloadCodec {
  readonly name: string;
  /** Throws RejectionError(INVALID_PAYLOAD) when the bytes do not fit the model's layout. */
  decode(bytes: Uint8Array, fPort: number): Record<string, unknown>;
}
