/**
 * One symbol's series being filled in: a single ArrayBuffer holding
 * `capacity` timestamps followed by `capacity` values of each field, all
 * float64, into which arriving wire bytes are copied at their row offset
 * (a memcpy per array, no per-point work, alignment of the source irrelevant).
 * The buffer is not zeroed first: callers hand out arrays() only once all
 * `capacity` rows are written.
 */
export class SeriesBuffer {
  private readonly bytes: Uint8Array;
  private rowsValue = 0;

  constructor(
    private readonly fieldCount: number,
    /** Rows the buffer holds when full. */
    readonly capacity: number,
  ) {
    this.bytes = Buffer.allocUnsafeSlow(8 * capacity * (1 + fieldCount));
  }

  get rows(): number {
    return this.rowsValue;
  }

  /**
   * Copies one block's arrays (timestamps, then one per field; equal lengths,
   * multiples of 8 bytes) after the rows so far. False, copying nothing, when
   * they do not fit.
   */
  append(timestamps: Uint8Array, columns: readonly Uint8Array[]): boolean {
    const rows = timestamps.byteLength / 8;
    if (this.rowsValue + rows > this.capacity) return false;
    const at = 8 * this.rowsValue;
    this.bytes.set(timestamps, at);
    for (let k = 0; k < this.fieldCount; k++) this.bytes.set(columns[k]!, 8 * this.capacity * (1 + k) + at);
    this.rowsValue += rows;
    return true;
  }

  /** Views of the full buffer: timestamps and one column per field. Throws unless every row was written. */
  arrays(): { timestamps: Float64Array; columns: Float64Array[] } {
    if (this.rowsValue !== this.capacity) throw new RangeError(`series buffer holds ${this.rowsValue} of its ${this.capacity} rows`);
    const view = (k: number): Float64Array => new Float64Array(this.bytes.buffer, this.bytes.byteOffset + 8 * this.capacity * k, this.capacity);
    return { timestamps: view(0), columns: Array.from({ length: this.fieldCount }, (_, k) => view(1 + k)) };
  }
}
