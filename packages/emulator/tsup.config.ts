import { defineConfig } from "tsup";

// The library ships ESM and CJS; the CLI (`bin`, src/cli.ts with its hashbang,
// which esbuild keeps) only needs ESM.
export default defineConfig([
  {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: true,
    clean: true,
    target: "node20",
    sourcemap: true,
    removeNodeProtocol: false,
  },
  {
    entry: ["src/cli.ts"],
    format: ["esm"],
    target: "node20",
    sourcemap: true,
    removeNodeProtocol: false,
  },
]);
