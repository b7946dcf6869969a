/**
 * What the queue sends next: from the head, in order, as many as one request
 * carries, and the expired events met on the way.
 */
import type { Entry } from "./entries";

/** Browsers refuse `keepalive` bodies beyond 64 KiB in flight; stay under it. */
const KEEPALIVE_BYTES = 60_000;

export interface DueParams {
  /** Events one request carries. */
  max: number;
  /** The page may be going away: one ordered request within the keepalive budget. */
  keepalive?: boolean | undefined;
  /** On their way. */
  inflight: Set<Entry>;
  /** On their way with keepalive (sent twice already at most). */
  kept: Set<Entry>;
  maxEventAge: number;
}

/**
 * The events to send now, and the expired ones to drop (after the walk: dropping changes `entries`).
 * With keepalive, one request keeps the order: with `/e` only the head goes out on page hide;
 * the rest stays stored and the next page (or another tab) sends it.
 */
export function due(entries: readonly Entry[], p: DueParams): { send: Entry[]; expired: Entry[] } {
  const now = Date.now();
  const send: Entry[] = [];
  const expired: Entry[] = [];
  let bytes = 0;
  for (const x of entries) {
    // One that has failed goes with the next page (or another tab), not with keepalive: the request could
    // outlive this page and land as that page sends the same stored event (the server being back by then).
    if (x.waiting || send.length >= p.max || (p.keepalive && x.attempts)) break;
    if (p.inflight.has(x)) {
      // A request the page is about to cancel goes again with keepalive (the
      // server drops the duplicate by its tracker_event_id), once.
      if (!p.keepalive || p.kept.has(x)) break;
    }
    if (now - Date.parse(x.event.sent_at) > p.maxEventAge) {
      expired.push(x);
      continue;
    }
    // Characters, not bytes: a body of mostly non-ASCII text may still be refused, and then simply stays queued.
    if (p.keepalive) bytes += JSON.stringify(x.event).length;
    if (bytes > KEEPALIVE_BYTES) break;
    send.push(x);
  }
  return { send, expired };
}
