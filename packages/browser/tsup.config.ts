import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: true,
    clean: true,
    target: "es2022",
    sourcemap: true,
    // The live code `mount()` imports is an ESM chunk with a stable name (size-limit measures it).
    esbuildOptions(options, { format }) {
      if (format === "esm") options.chunkNames = "[name]";
    },
  },
  {
    // For a plain <script> tag: `window.Schematic` is the client class, core bundled in.
    entry: { schematic: "src/global.ts" },
    format: ["iife"],
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: true,
    noExternal: ["@schematic-sdk/core"],
    outExtension: () => ({ js: ".global.js" }),
  },
]);
