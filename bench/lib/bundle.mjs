/**
 * Bundle bytes: each entry is bundled by esbuild (minified, ESM, platform
 * browser, react external) from stdin with `resolveDir` = bench/, so packages
 * resolve exactly as an app depending on them would, then gzipped at level 9.
 * Code reached only through a dynamic `import()` (a chunk an app's bundler
 * loads later, e.g. the live updates code) is left out of a figure, unless
 * its entry counts it (`lazy`).
 * The output is deterministic, so one build per entry is its figure.
 */
import { join, relative } from "node:path";
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

async function measure(contents, lazy, extra = {}) {
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
    ...extra,
  });
  const code = result.outputFiles[0].contents;
  return {
    minBytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    metafile: result.metafile,
  };
}

export async function bundleSection() {
  const out = {};
  for (const [name, entry] of Object.entries(ENTRIES)) {
    const row = { label: entry.label };
    for (const side of ["ours", "theirs"]) {
      try {
        const { metafile: _, ...size } = await measure(entry[side], entry.lazy);
        row[side] = size;
      } catch (error) {
        row[side] = { error: String(error.message ?? error).split("\n")[0] };
      }
    }
    out[name] = row;
  }
  return out;
}

const PACKAGES = join(BENCH_DIR, "..", "packages");

/**
 * Where our bytes go (`--why`): each of our entries bundled as above, but
 * from the packages' sources (so each source file is its own input), with
 * each file's share of the minified output. Gzip does not split by file, so
 * a file's gzip figure is its share of the entry's gzip bytes, an estimate.
 */
export async function bundleWhy() {
  const alias = Object.fromEntries(
    ["core", "browser", "react"].map((name) => [
      `@schematic-sdk/${name}`,
      join(PACKAGES, name, "src/index.ts"),
    ]),
  );
  const out = {};
  for (const name of ["browser", "react"]) {
    const entry = ENTRIES[name];
    const { minBytes, gzipBytes, metafile } = await measure(entry.ours, entry.lazy, {
      alias,
      metafile: true,
    });
    const inputs = Object.values(metafile.outputs)[0].inputs;
    const files = Object.entries(inputs)
      .map(([file, { bytesInOutput }]) => ({
        file: file.includes("src/") ? relative(PACKAGES, join(BENCH_DIR, file)) : "(the entry file)",
        minBytes: bytesInOutput,
        gzipEstimate: Math.round((bytesInOutput / minBytes) * gzipBytes),
      }))
      .filter((f) => f.minBytes > 0)
      .sort((a, b) => b.minBytes - a.minBytes);
    out[name] = { label: entry.label, minBytes, gzipBytes, files };
  }
  return out;
}

/** `bundleWhy()`'s figures as markdown, one table per entry. */
export function whyMarkdown(why) {
  return Object.values(why)
    .map(
      ({ label, minBytes, gzipBytes, files }) =>
        `${label}, from sources: ${minBytes.toLocaleString("en")} B minified, ${gzipBytes.toLocaleString("en")} B gzip\n\n` +
        "| source file | minified | share | gzip (estimate) |\n|---|---:|---:|---:|\n" +
        files
          .map(
            (f) =>
              `| ${f.file} | ${f.minBytes.toLocaleString("en")} B | ${((f.minBytes / minBytes) * 100).toFixed(1)}% | ${f.gzipEstimate.toLocaleString("en")} B |`,
          )
          .join("\n"),
    )
    .join("\n\n");
}
