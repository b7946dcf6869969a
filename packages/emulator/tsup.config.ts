import { defineConfig } from "tsup";

// Three library entries, one per environment: the main one (web standards
// only), `msw` (msw stays external: a peer dependency) and `node` (the HTTP
// server). ESM and CJS each; the CLI (`bin`, src/cli.ts with its hashbang,
// which esbuild keeps) only needs ESM.
export default defineConfig([
  {
    entry: { index: "src/index.ts", msw: "src/msw.ts", node: "src/node.ts" },
    format: ["esm", "cjs"],
    dts: true,
    clean: true,
    target: "node20",
    sourcemap: true,
    removeNodeProtocol: false,
    external: ["msw"],
  },
  {
    entry: ["src/cli.ts"],
    format: ["esm"],
    target: "node20",
    sourcemap: true,
    removeNodeProtocol: false,
  },
]);
