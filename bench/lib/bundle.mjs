/**
 * Bundle bytes: each entry is bundled by esbuild (minified, ESM, platform
 * browser, react external) from stdin with `resolveDir` = bench/, so packages
 * resolve exactly as an app depending on them would, then gzipped at level 9.
 * Code reached only through a dynamic `import()` (a chunk an app's bundler
 * loads later, e.g. the live updates code) is left out of a figure, unless
 * its entry counts it (`lazy`).
 * The output is deterministic, so one build per entry is its figure.
 */
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { BENCH_DIR } from "./util.mjs";

const IDENTIFY = `{ keys: { id: "demo-user", email: "ann@example.com" }, name: "Ann", traits: { role: "admin" },
  company: { keys: { id: "demo-company" }, name: "Demo", traits: { seats: 5 } } }`;

/** Entry sources per figure: [ours, official]. */
export const ENTRIES = {
  browser: {
    label: "browser entry `new Schematic(..).identify(..)`",
    ours: `import { Schematic } from "@schematic-sdk/browser";
new Schematic("api_x").identify(${IDENTIFY});`,
    theirs: `import { Schematic } from "@schematichq/schematic-js";
new Schematic("api_x").identify(${IDENTIFY});`,
  },
  react: {
    label: "react entry: provider + useSchematic + useSchematicFlag",
    ours: `import { createElement as h } from "react";
import { SchematicProvider, useSchematic, useSchematicFlag } from "@schematic-sdk/react";
function Feature() {
  const { track } = useSchematic();
  const on = useSchematicFlag("my-flag", { fallback: false });
  return h("button", { onClick: () => track({ event: "click" }) }, on ? "on" : "off");
}
export function App() { return h(SchematicProvider, { publishableKey: "api_x" }, h(Feature)); }`,
    theirs: `import { createElement as h } from "react";
import { SchematicProvider, useSchematicEvents, useSchematicFlag } from "@schematichq/schematic-react";
function Feature() {
  const { track } = useSchematicEvents();
  const on = useSchematicFlag("my-flag", { fallback: false });
  return h("button", { onClick: () => track({ event: "click" }) }, on ? "on" : "off");
}
export function App() { return h(SchematicProvider, { publishableKey: "api_x" }, h(Feature)); }`,
  },
  reactLive: {
    label: "react entry with `live` on (its lazily loaded live code included)",
    lazy: true,
    ours: `import { createElement as h } from "react";
import { SchematicProvider, useSchematic, useSchematicFlag } from "@schematic-sdk/react";
function Feature() {
  const { track } = useSchematic();
  const on = useSchematicFlag("my-flag", { fallback: false });
  return h("button", { onClick: () => track({ event: "click" }) }, on ? "on" : "off");
}
export function App() { return h(SchematicProvider, { publishableKey: "api_x", options: { live: true } }, h(Feature)); }`,
    theirs: `import { createElement as h } from "react";
import { SchematicProvider, useSchematicEvents, useSchematicFlag } from "@schematichq/schematic-react";
function Feature() {
  const { track } = useSchematicEvents();
  const on = useSchematicFlag("my-flag", { fallback: false });
  return h("button", { onClick: () => track({ event: "click" }) }, on ? "on" : "off");
}
export function App() { return h(SchematicProvider, { publishableKey: "api_x", useWebSocket: true }, h(Feature)); }`,
  },
  app: {
    label: "app using browser + react (client passed to the provider)",
    ours: `import { createElement as h } from "react";
import { Schematic } from "@schematic-sdk/browser";
import { SchematicProvider, useSchematic, useSchematicFlag } from "@schematic-sdk/react";
const client = new Schematic("api_x");
void client.identify(${IDENTIFY});
function Feature() {
  const { track } = useSchematic();
  const on = useSchematicFlag("my-flag", { fallback: false });
  return h("button", { onClick: () => track({ event: "click" }) }, on ? "on" : "off");
}
export function App() { return h(SchematicProvider, { client }, h(Feature)); }`,
    theirs: `import { createElement as h } from "react";
import { Schematic } from "@schematichq/schematic-js";
import { SchematicProvider, useSchematicEvents, useSchematicFlag } from "@schematichq/schematic-react";
const client = new Schematic("api_x");
void client.identify(${IDENTIFY});
function Feature() {
  const { track } = useSchematicEvents();
  const on = useSchematicFlag("my-flag", { fallback: false });
  return h("button", { onClick: () => track({ event: "click" }) }, on ? "on" : "off");
}
export function App() { return h(SchematicProvider, { client }, h(Feature)); }`,
  },
};

/** Leaves `import()`ed modules out of the bundle: they are not loaded up front. */
const lazyExternal = {
  name: "lazy-external",
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) =>
      args.kind === "dynamic-import" ? { path: args.path, external: true } : undefined,
    );
  },
};

async function measure(contents, lazy) {
  const result = await build({
    stdin: { contents, resolveDir: BENCH_DIR, sourcefile: "entry.js", loader: "js" },
    bundle: true,
    write: false,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    external: ["react", "react-dom", "react/*", "react-dom/*"],
    define: { "process.env.NODE_ENV": '"production"' },
    // As an app installing from npm: the repository's tsconfig `paths` (which
    // map each package to its sources) must not apply to the built packages.
    tsconfigRaw: "{}",
    logLevel: "silent",
    plugins: lazy ? [] : [lazyExternal],
  });
  const code = result.outputFiles[0].contents;
  return { minBytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength };
}

export async function bundleSection() {
  const out = {};
  for (const [name, entry] of Object.entries(ENTRIES)) {
    const row = { label: entry.label };
    for (const side of ["ours", "theirs"]) {
      try {
        row[side] = await measure(entry[side], entry.lazy);
      } catch (error) {
        row[side] = { error: String(error.message ?? error).split("\n")[0] };
      }
    }
    out[name] = row;
  }
  return out;
}
