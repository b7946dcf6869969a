/**
 * One process of a fleet, for the Redis e2e test (run with the built package):
 *
 *   node flag-child.mjs <apiUrl> <redisUrl> once <companyId>   → prints the check as JSON
 *   node flag-child.mjs <apiUrl> <redisUrl> loop <count>       → prints one answer a line, one company each
 */
import { createClient } from "redis";
import { SchematicClient } from "../dist/index.js";
import { redisFlagCache } from "../dist/redis.js";

const [apiUrl, redisUrl, mode, arg] = process.argv.slice(2);
const redis = createClient({ url: redisUrl, socket: { reconnectStrategy: (n) => Math.min(n * 50, 500) } });
// A connection error before the cache adds its own listener must not end the process either.
redis.on("error", () => {});
await redis.connect();
const warnings = [];
const schematic = new SchematicClient({
  apiKey: "sch_dev_fleet",
  apiUrl,
  eventUrl: apiUrl,
  flagCache: redisFlagCache({ client: redis, prefix: "test:fleet:", timeout: 100 }),
  logger: {
    debug() {},
    info() {},
    warn: (...a) => warnings.push(a.join(" ")),
    error: (...a) => warnings.push(a.join(" ")),
  },
});

if (mode === "once") {
  const check = await schematic.checkEntitlement("beta", { company: { id: arg } });
  process.stdout.write(
    `${JSON.stringify({ ...check, resetAtIsDate: check.featureUsageResetAt instanceof Date, warnings })}\n`,
  );
} else {
  for (let i = 0; i < Number(arg); i++) {
    const value = await schematic.checkFlag("beta", { company: { id: `loop-${i}` } }, { fallback: false });
    process.stdout.write(`${JSON.stringify({ i, value })}\n`);
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
  process.stdout.write(`${JSON.stringify({ done: true, warnings })}\n`);
}
await schematic.close();
if (redis.isReady) await redis.quit();
else redis.destroy();
