import { createEmulator, type Emulator, type EmulatorOptions } from "../src/index";

export const SECRET = "sch_dev_test";
export const PUBLISHABLE = "api_pub_test";

export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test convenience: answers are asserted field by field
  json: any;
  text: string;
}

export interface CallOptions {
  key?: string | null;
  headers?: Record<string, string>;
  raw?: string;
}

/** An emulator and a `call` helper that goes through its `fetch` (no sockets). */
export function setup(options?: EmulatorOptions) {
  const emulator: Emulator = createEmulator(options);
  async function call(method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = { "content-type": "application/json", ...opts.headers };
    const key = opts.key === undefined ? SECRET : opts.key;
    if (key !== null) headers["x-schematic-api-key"] = key;
    const init: RequestInit = { method, headers };
    if (opts.raw !== undefined) init.body = opts.raw;
    else if (body !== undefined) init.body = JSON.stringify(body);
    const response = await emulator.fetch(`http://emulator.test${path}`, init);
    const text = await response.text();
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, json, text };
  }
  return { emulator, store: emulator.store, call };
}

/** A `POST /e` envelope. */
export function event(
  type: "identify" | "track",
  body: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  return {
    api_key: PUBLISHABLE,
    type,
    body,
    sent_at: "2030-01-01T00:00:00.000Z",
    tracker_event_id: globalThis.crypto.randomUUID(),
    tracker_user_id: "anon-1",
    ...extra,
  };
}
