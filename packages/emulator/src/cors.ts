/**
 * CORS, so pages on another localhost port (a Vite dev server) can call the
 * emulator, including the preflight that `X-Schematic-Api-Key`,
 * `X-Schematic-Client-Version` and a JSON content type trigger. The origin is
 * reflected rather than `*`, so requests made with credentials work too.
 */

type HeaderGetter = (name: string) => string | null;

const ALLOWED_HEADERS = "Content-Type, X-Schematic-Api-Key, X-Schematic-Client-Version, Idempotency-Key";

/** Headers every answer carries. */
export function corsHeaders(header: HeaderGetter): Record<string, string> {
  const origin = header("origin");
  return {
    "access-control-allow-origin": origin ?? "*",
    "access-control-expose-headers": "Retry-After, X-Request-Id",
    vary: "Origin",
    ...(origin ? { "access-control-allow-credentials": "true" } : {}),
  };
}

/** The answer to an `OPTIONS` preflight. */
export function preflightHeaders(header: HeaderGetter): Record<string, string> {
  const headers: Record<string, string> = {
    ...corsHeaders(header),
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-allow-headers": header("access-control-request-headers") ?? ALLOWED_HEADERS,
    "access-control-max-age": "600",
  };
  if (header("access-control-request-private-network") === "true") {
    headers["access-control-allow-private-network"] = "true";
  }
  return headers;
}
