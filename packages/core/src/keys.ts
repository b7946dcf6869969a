/** The prefix of each kind of API key. */
export const KEY_PREFIXES = /* @__PURE__ */ Object.freeze({ secret: "sch_", publishable: "api_" });

/** Secret keys (`sch_…`) belong on servers only. */
export function isSecretKey(key: unknown): key is string {
  return typeof key === "string" && key.startsWith("sch_") && key.length > 4;
}

/** Publishable keys (`api_…`) are safe to ship to browsers. */
export function isPublishableKey(key: unknown): key is string {
  return typeof key === "string" && key.startsWith("api_") && key.length > 4;
}

/** A key safe to print: its kind and last four characters (`api_…1a2b`). */
export function maskKey(key: string): string {
  const prefix = key.startsWith("sch_") || key.startsWith("api_") ? key.slice(0, 4) : "";
  return key.length <= 8 ? `${prefix}…` : `${prefix}…${key.slice(-4)}`;
}
