/**
 * Where waiting events live: their JSON as UTF-8 bytes in large chunks
 * outside the JS heap, with each event's place and call time in typed arrays.
 * A burst of 100,000 events is then a dozen megabytes of bytes and nothing for
 * the garbage collector to copy or keep, where 100,000 strings would be
 * promoted one by one and grow the young generation to its maximum.
 *
 * A FIFO: events are numbered from 0 in push order (a number never changes)
 * and leave from the front only, so what is kept is always the newest events,
 * and a chunk is freed as soon as the front passes it.
 */

/** Bytes per chunk; an event larger than this gets a chunk of its own. */
const CHUNK_BYTES = 256 * 1024;
/** Room below which `pushWritten` starts a new chunk rather than try the one in use. */
const MIN_ROOM = 4096;
/** Typed index arrays start this long and double. */
const INITIAL_CAPACITY = 1024;

const encoder = new TextEncoder();

export class EventStore {
  /** Chunk number `#firstChunk + k` is `#chunks[k]`. */
  #chunks: Uint8Array[] = [];
  #firstChunk = 0;
  /** Bytes used in the last chunk. */
  #used = CHUNK_BYTES;
  /** Event number `#base + k` is at index `k` of the arrays below. */
  #base = 0;
  /** Events below this number are discarded. */
  #first = 0;
  #end = 0;
  #chunkOf = new Uint32Array(INITIAL_CAPACITY);
  #offset = new Uint32Array(INITIAL_CAPACITY);
  #length = new Uint32Array(INITIAL_CAPACITY);
  #time = new Float64Array(INITIAL_CAPACITY);
  #tag = new Uint8Array(INITIAL_CAPACITY);
  /** UTF-8 bytes of the events kept. */
  #bytes = 0;

  /** The number of the oldest event kept (= `end` when there is none). */
  get first(): number {
    return this.#first;
  }

  /** The number the next pushed event gets (= how many were ever pushed). */
  get end(): number {
    return this.#end;
  }

  /** UTF-8 bytes of the events kept (not counting their chunks' unused room). */
  get keptBytes(): number {
    return this.#bytes;
  }

  /** Bytes of the chunks held (events kept, and the front chunk's share of those gone). */
  get heldBytes(): number {
    let n = 0;
    for (const chunk of this.#chunks) n += chunk.length;
    return n;
  }

  /** Keeps `json` (never empty) with its call time and a small tag (0-255), as event number `end`; answers its UTF-8 size. */
  push(json: string, time: number, tag = 0): number {
    let chunk = this.#chunks[this.#chunks.length - 1];
    let written = 0;
    if (chunk && CHUNK_BYTES - this.#used >= json.length) {
      const r = encoder.encodeInto(json, chunk.subarray(this.#used));
      written = r.read === json.length ? r.written : 0;
    }
    if (written === 0) {
      // Did not fit (or no chunk yet): a new chunk; UTF-8 takes at most 3 bytes per UTF-16 unit.
      chunk = new Uint8Array(Math.max(CHUNK_BYTES, json.length * 3));
      this.#chunks.push(chunk);
      this.#used = 0;
      written = encoder.encodeInto(json, chunk).written;
    }
    this.#keep(written, time, tag);
    return written;
  }

  /**
   * Keeps the bytes `write(a, b, target, at, limit)` puts at `at` (answering
   * their end, or -1 when they would reach `limit`) as event number `end`, in
   * the room left in the current chunk (a new one when little is left).
   * Answers false, keeping nothing, when they do not fit there: the caller
   * then pushes the event as a string.
   */
  pushWritten<A, B>(
    write: (a: A, b: B, target: Uint8Array, at: number, limit: number) => number,
    a: A,
    b: B,
    time: number,
    tag: number,
  ): boolean {
    let chunk = this.#chunks[this.#chunks.length - 1];
    if (!chunk || chunk.length - this.#used < MIN_ROOM) {
      chunk = new Uint8Array(CHUNK_BYTES);
      this.#chunks.push(chunk);
      this.#used = 0;
    }
    const end = write(a, b, chunk, this.#used, chunk.length);
    if (end <= this.#used) return false;
    this.#keep(end - this.#used, time, tag);
    return true;
  }

  /** Indexes the `written` bytes at the end of the last chunk as event number `end`. */
  #keep(written: number, time: number, tag: number): void {
    if (this.#end - this.#base === this.#length.length) this.#makeRoom();
    const i = this.#end++ - this.#base;
    this.#chunkOf[i] = this.#firstChunk + this.#chunks.length - 1;
    this.#offset[i] = this.#used;
    this.#length[i] = written;
    this.#time[i] = time;
    this.#tag[i] = tag;
    this.#used += written;
    this.#bytes += written;
  }

  /** The UTF-8 JSON of kept event `n` (a view, valid until it is discarded). */
  bytes(n: number): Uint8Array {
    const i = n - this.#base;
    const chunk = this.#chunks[this.#chunkOf[i]! - this.#firstChunk]!;
    const offset = this.#offset[i]!;
    return chunk.subarray(offset, offset + this.#length[i]!);
  }

  /** The UTF-8 size of kept event `n`. */
  size(n: number): number {
    return this.#length[n - this.#base]!;
  }

  /** Copies the UTF-8 JSON of kept event `n` into `target` at `at`; answers where it ends there. */
  copy(n: number, target: Uint8Array, at: number): number {
    const i = n - this.#base;
    const chunk = this.#chunks[this.#chunkOf[i]! - this.#firstChunk]!;
    const offset = this.#offset[i]!;
    const length = this.#length[i]!;
    target.set(chunk.subarray(offset, offset + length), at);
    return at + length;
  }

  /** The call time (ms since epoch) of kept event `n`. */
  time(n: number): number {
    return this.#time[n - this.#base]!;
  }

  /** The tag of kept event `n`. */
  tag(n: number): number {
    return this.#tag[n - this.#base]!;
  }

  /** Forgets every event numbered below `n`, freeing the chunks only they used. */
  discard(n: number): void {
    if (n <= this.#first) return;
    const to = Math.min(n, this.#end);
    for (let k = this.#first; k < to; k++) this.#bytes -= this.#length[k - this.#base]!;
    this.#first = to;
    // The last chunk stays, to be filled further.
    const keep =
      this.#first === this.#end
        ? this.#firstChunk + this.#chunks.length - 1
        : this.#chunkOf[this.#first - this.#base]!;
    if (keep > this.#firstChunk) {
      this.#chunks.splice(0, keep - this.#firstChunk);
      this.#firstChunk = keep;
    }
    if (this.#first === this.#end) this.#base = this.#end;
  }

  /** The arrays are full: move the kept events to the front if that frees half, else double them. */
  #makeRoom(): void {
    const gone = this.#first - this.#base;
    const kept = this.#end - this.#first;
    if (gone >= kept) {
      for (const a of [this.#chunkOf, this.#offset, this.#length, this.#time, this.#tag]) {
        a.copyWithin(0, gone, gone + kept);
      }
      this.#base = this.#first;
      return;
    }
    const size = this.#length.length * 2;
    const grow = <T extends Uint8Array | Uint32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a.subarray(gone));
      return b;
    };
    this.#chunkOf = grow(this.#chunkOf, (n) => new Uint32Array(n));
    this.#offset = grow(this.#offset, (n) => new Uint32Array(n));
    this.#length = grow(this.#length, (n) => new Uint32Array(n));
    this.#time = grow(this.#time, (n) => new Float64Array(n));
    this.#tag = grow(this.#tag, (n) => new Uint8Array(n));
    this.#base = this.#first;
  }
}
