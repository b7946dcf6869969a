import { defineConfig } from "tsup";

const common = {
  entry: ["src/index.ts", "src/redis.ts"],
  dts: true,
  target: "es2022",
  sourcemap: true,
} as const;

// ky is ESM-only: the ESM build imports it (lazily, at the first request), the CJS build carries its own copy.
export default defineConfig([
  { ...common, format: ["esm"], clean: true, external: ["ky"] },
  { ...common, format: ["cjs"], noExternal: ["ky"], splitting: true },
]);
