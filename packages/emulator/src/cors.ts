/**
 * Who may call the emulator from a browser. A local server is reachable by
 * every page the developer visits, so only loopback origins (`localhost`,
 * `*.localhost`, `127.0.0.0/8`, `[::1]`: a Vite dev server, the inspector
 * itself) and those given with `--cors` get CORS headers; a request carrying
 * any other `Origin` is refused outright (403), so a foreign page can neither
 * read nor change anything, not even with a no-cors form post.
 */

type HeaderGetter = (name: string) => string | null;

const ALLOWED_HEADERS =
  "Content-Type, X-Schematic-Api-Key, X-Schematic-Client-Version, X-Schematic-Emulator-Token, Idempotency-Key";

/** Whether an `Origin` names this machine. */
export function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  const host = url.hostname;
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host === "[::1]" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

export class CorsPolicy {
  readonly #extra: Set<string>;

  /** `extra`: origins allowed besides loopback ones, e.g. `https://app.test`. */
  constructor(extra: readonly string[]) {
    this.#extra = new Set(
      extra.map((origin) => {
        try {
          return new URL(origin).origin;
        } catch {
          throw new TypeError(`cors: "${origin}" is not an origin; pass one like "https://app.test"`);
        }
      }),
    );
  }

  /** True when the request has no `Origin` (curl, servers, same-origin GETs) or an allowed one. */
  allows(origin: string | null): boolean {
    return origin === null || isLoopbackOrigin(origin) || this.#extra.has(origin);
  }

  /** Headers every answer to an allowed request carries. */
  headers(header: HeaderGetter): Record<string, string> {
    const origin = header("origin");
    if (origin === null || !this.allows(origin)) return { vary: "Origin" };
    return {
      "access-control-allow-origin": origin,
      "access-control-expose-headers": "Retry-After, X-Request-Id",
      vary: "Origin",
    };
  }

  /** The answer to an `OPTIONS` preflight from an allowed origin. */
  preflight(header: HeaderGetter): Record<string, string> {
    const headers: Record<string, string> = {
      ...this.headers(header),
      "access-control-allow-methods": "GET, POST, PUT, DELETE, OPTIONS",
      "access-control-allow-headers": header("access-control-request-headers") ?? ALLOWED_HEADERS,
      "access-control-max-age": "600",
    };
    // A page allowed with --cors on a public host reaches this loopback server only through
    // Chrome's private network access check; refused origins never get this far.
    if (header("access-control-request-private-network") === "true") {
      headers["access-control-allow-private-network"] = "true";
    }
    return headers;
  }
}
