/**
 * Builds the byte strings that are hashed and signed. Every field has a fixed position, and
 * variable-length fields carry a length prefix, so two different field lists never produce
 * the same bytes. Integers are unsigned big-endian.
 */
export class ByteFieldWriter {
  private readonly chunks: Buffer[] = [];

  /** Writes a uint32 byte length followed by the UTF-8 bytes of `value`. */
  text(value: string): this {
    const bytes = Buffer.from(value, 'utf8');
    this.uint32(bytes.length);
    this.chunks.push(bytes);

    return this;
  }

  uint8(value: number): this {
    const bytes = Buffer.alloc(1);
    bytes.writeUInt8(value);
    this.chunks.push(bytes);

    return this;
  }

  uint32(value: number): this {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(value);
    this.chunks.push(bytes);

    return this;
  }

  uint64(value: number): this {
    const bytes = Buffer.alloc(8);
    bytes.writeBigUInt64BE(BigInt(value));
    this.chunks.push(bytes);

    return this;
  }

  /** Writes an IEEE 754 binary64 value. -0 is written as +0 because JSON cannot carry the sign of zero. */
  float64(value: number): this {
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleBE(value === 0 ? 0 : value);
    this.chunks.push(bytes);

    return this;
  }

  /** Writes bytes of a length fixed by the layout (a hash), without a length prefix. */
  fixed(bytes: Uint8Array): this {
    this.chunks.push(Buffer.from(bytes));

    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
