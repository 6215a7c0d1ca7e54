/** Texts up to this many UTF-16 code units are tried as ASCII first. */
const SHORT_TEXT = 64;

/**
 * Builds the byte strings that are hashed and signed. Every field has a fixed position, and
 * variable-length fields carry a length prefix, so two different field lists never produce
 * the same bytes. Integers are unsigned big-endian. The fields go into one growing buffer, so
 * a writer that is `reset()` and used again allocates nothing for small encodings.
 */
export class ByteFieldWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(initialBytes = 256) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** Empties the writer and keeps its buffer for the next encoding. */
  reset(): this {
    this.length = 0;

    return this;
  }

  /** Writes a uint32 byte length followed by the UTF-8 bytes of `value`. */
  text(value: string): this {
    // A UTF-16 code unit takes at most 3 UTF-8 bytes, so this bound always fits the text.
    this.reserve(4 + value.length * 3);
    const start = this.length + 4;
    const bytes = value.length <= SHORT_TEXT ? this.writeAscii(value, start) : -1;
    const written = bytes >= 0 ? bytes : this.buffer.write(value, start, 'utf8');
    this.buffer.writeUInt32BE(written, this.length);
    this.length = start + written;

    return this;
  }

  uint8(value: number): this {
    this.reserve(1);
    this.length = this.buffer.writeUInt8(value, this.length);

    return this;
  }

  uint32(value: number): this {
    this.reserve(4);
    this.length = this.buffer.writeUInt32BE(value, this.length);

    return this;
  }

  uint64(value: number): this {
    this.reserve(8);
    this.length = this.buffer.writeBigUInt64BE(BigInt(value), this.length);

    return this;
  }

  /** Writes an IEEE 754 binary64 value. -0 is written as +0 because JSON cannot carry the sign of zero. */
  float64(value: number): this {
    this.reserve(8);
    this.length = this.buffer.writeDoubleBE(value === 0 ? 0 : value, this.length);

    return this;
  }

  /** Writes bytes of a length fixed by the layout (a hash), without a length prefix. */
  fixed(bytes: Uint8Array): this {
    this.reserve(bytes.byteLength);
    this.buffer.set(bytes, this.length);
    this.length += bytes.byteLength;

    return this;
  }

  /** Returns a copy of the bytes written so far. */
  toBuffer(): Buffer {
    return Buffer.from(this.view());
  }

  /** Returns the bytes written so far without copying; the view changes when the writer is used again. */
  view(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  /**
   * Copies a short ASCII text byte by byte, which is faster than Buffer.write for ids and unit
   * codes. Returns -1 at the first other character; the caller then writes the text as UTF-8.
   */
  private writeAscii(value: string, start: number): number {
    for (let i = 0; i < value.length; i += 1) {
      const code = value.charCodeAt(i);
      if (code > 0x7f) {
        return -1;
      }
      this.buffer[start + i] = code;
    }

    return value.length;
  }

  private reserve(bytes: number): void {
    const needed = this.length + bytes;
    if (needed <= this.buffer.length) {
      return;
    }
    const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}
