/** What `schematic.stats` reports of the event buffer. */

/**
 * Figures of the event buffer, read through `schematic.stats`.
 * @example
 * ```ts
 * const { pending, dropped, droppedBy } = schematic.stats;
 * ```
 */
export interface EventBufferStats {
  /** Events waiting, including batches in flight. */
  pending: number;
  /** UTF-8 bytes of the events waiting to be put in a batch (what `maxQueueBytes` bounds). */
  pendingBytes: number;
  delivered: number;
  dropped: number;
  /** Why events were dropped: buffer full, refused by the API (4xx), retries exhausted, or `offline`. */
  droppedBy: { overflow: number; refused: number; retries: number; offline: number };
  /** Requests sent (each batch attempt counts). */
  requests: number;
}
