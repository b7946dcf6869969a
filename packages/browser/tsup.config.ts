import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: true,
    clean: true,
    target: "es2022",
    sourcemap: true,
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
