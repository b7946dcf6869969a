/**
 * Random (version 4) UUIDs written as ASCII straight into a byte array, for
 * `tracker_event_id`s: a batch of events needs one each, and no string is
 * made for any of them. Random bytes come from `crypto.getRandomValues`, drawn
 * 64 KiB at a time; each byte is used once.
 */

/** Bytes drawn at a time: the most `getRandomValues` gives in one call. */
const POOL_BYTES = 65_536;

/** The two lowercase hex digits of each byte value, as ASCII, high digit first. */
const HEX = new Uint16Array(256);
for (let b = 0; b < 256; b++) {
  const digits = b.toString(16).padStart(2, "0");
  HEX[b] = (digits.charCodeAt(0) << 8) | digits.charCodeAt(1);
}
const DASH = 0x2d;

export class UuidWriter {
  readonly #pool = new Uint8Array(POOL_BYTES);
  #used = POOL_BYTES;

  /** Writes a fresh UUID (36 bytes, `xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`) at `at`; answers the end. */
  write(target: Uint8Array, at: number): number {
    if (this.#used === POOL_BYTES) {
      globalThis.crypto.getRandomValues(this.#pool);
      this.#used = 0;
    }
    const pool = this.#pool;
    const from = this.#used;
    this.#used += 16;
    let out = at;
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) target[out++] = DASH;
      let byte = pool[from + i]!;
      if (i === 6) byte = (byte & 0x0f) | 0x40;
      else if (i === 8) byte = (byte & 0x3f) | 0x80;
      const hex = HEX[byte]!;
      target[out++] = hex >> 8;
      target[out++] = hex & 0xff;
    }
    return out;
  }
}
