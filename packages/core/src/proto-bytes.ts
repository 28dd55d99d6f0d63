/**
 * The few pieces of the protobuf binary format the hand-written ReadChunk
 * codec needs: varints, tags and length-delimited fields.
 * https://protobuf.dev/programming-guides/encoding/
 */

/** Wire types. */
export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_SGROUP = 3;
export const WIRE_EGROUP = 4;
export const WIRE_I32 = 5;

/** Bytes of the varint of a non-negative integer up to 2^53. */
export function varintSize(value: number): number {
  let n = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    n++;
  }
  return n;
}

/** Writes protobuf fields into a buffer allocated up front; `pos` is the next byte. */
export class ProtoWriter {
  pos = 0;

  constructor(readonly buf: Buffer) {}

  byte(b: number): void {
    this.buf[this.pos++] = b;
  }

  /** A varint of a non-negative integer up to 2^53. */
  varint(value: number): void {
    while (value >= 128) {
      this.buf[this.pos++] = (value % 128) | 128;
      value = Math.floor(value / 128);
    }
    this.buf[this.pos++] = value;
  }

  /** A tag (1 byte: field numbers up to 15) and a UTF-8 string. */
  string(tag: number, text: string, utf8Bytes: number): void {
    this.buf[this.pos++] = tag;
    this.varint(utf8Bytes);
    if (utf8Bytes > 0) {
      const written = this.buf.write(text, this.pos, 'utf8');
      if (written !== utf8Bytes) throw new Error(`string ${JSON.stringify(text)} took ${written} bytes, expected ${utf8Bytes}`);
      this.pos += written;
    }
  }

  /** Copies `bytes` (no tag or length). */
  raw(bytes: Uint8Array): void {
    this.buf.set(bytes, this.pos);
    this.pos += bytes.byteLength;
  }

  /**
   * One or more length-delimited fields `tag` of zero bytes, taking exactly
   * `size` bytes in all (size 0 or at least 2).
   */
  filler(tag: number, size: number): void {
    if (size === 1) throw new RangeError('a filler field takes at least 2 bytes');
    while (size > 0) {
      // One field takes at most 129 bytes (1-byte tag, 1-byte length, 127 zeros); never leave 1 byte over.
      const take = size <= 129 ? size : size - 129 === 1 ? 128 : 129;
      this.buf[this.pos++] = tag;
      this.buf[this.pos++] = take - 2;
      this.buf.fill(0, this.pos, this.pos + take - 2);
      this.pos += take - 2;
      size -= take;
    }
  }

  /** Writes `value` as a varint of exactly `size` bytes at `at` (it must need exactly that many). */
  varintAt(at: number, value: number, size: number): void {
    if (varintSize(value) !== size) throw new RangeError(`varint ${value} does not take ${size} bytes`);
    const pos = this.pos;
    this.pos = at;
    this.varint(value);
    this.pos = pos;
  }
}

/** Reads protobuf fields of `buf` between `pos` and `end`; every error names what was truncated or invalid. */
export class ProtoReader {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint as a number (exact up to 2^53). */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new RangeError('truncated varint');
      const b = this.buf[this.pos++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    throw new RangeError('varint longer than 10 bytes');
  }

  /** The length of a length-delimited field, checked against the bytes left. */
  length(): number {
    const n = this.varint();
    if (n > this.end - this.pos) throw new RangeError(`field of ${n} bytes overruns its message (${this.end - this.pos} left)`);
    return n;
  }

  /** Skips the value of a field of wire type `wire` (of field `field`, for groups). */
  skip(wire: number, field: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_I64:
        this.advance(8);
        return;
      case WIRE_LEN: {
        const n = this.length(); // before reading pos: length() moves it
        this.pos += n;
        return;
      }
      case WIRE_I32:
        this.advance(4);
        return;
      case WIRE_SGROUP:
        for (;;) {
          const tag = this.varint();
          const inner = Math.floor(tag / 8);
          if (tag % 8 === WIRE_EGROUP) {
            if (inner !== field) throw new RangeError(`group ${field} ends with the end of group ${inner}`);
            return;
          }
          this.skip(tag % 8, inner);
        }
      default:
        throw new RangeError(`invalid wire type ${wire} of field ${field}`);
    }
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) throw new RangeError('truncated fixed-width field');
    this.pos += n;
  }
}
