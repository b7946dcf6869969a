import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const which = process.argv[2];
const src =
  which === "react"
    ? `import { createElement as h } from "react";
import { SchematicProvider, useSchematic, useSchematicFlag } from "@schematic-sdk/react";
function Feature() { const { track } = useSchematic(); const on = useSchematicFlag("my-flag", { fallback: false });
  return h("button", { onClick: () => track({ event: "click" }) }, on ? "on" : "off"); }
export function App() { return h(SchematicProvider, { publishableKey: "api_x" }, h(Feature)); }`
    : `import { Schematic } from "@schematic-sdk/browser";
new Schematic("api_x").identify({ keys: { id: "u" } });`;
const r = await build({
  stdin: { contents: src, resolveDir: process.cwd() },
  bundle: true,
  minify: true,
  format: "esm",
  platform: "browser",
  write: false,
  metafile: true,
  external: ["react", "react-dom", "react/jsx-runtime"],
  plugins: [
    {
      name: "nolive",
      setup(b) {
        b.onResolve({ filter: /live(\.js)?$/ }, (a) =>
          a.kind === "dynamic-import" ? { path: a.path, external: true } : undefined,
        );
      },
    },
  ],
});
const code = r.outputFiles[0].text;
writeFileSync(`/tmp/sz/${which || "browser"}.js`, code);
console.log("min", code.length, "gzip", gzipSync(code, { level: 9 }).length);
const out = Object.values(r.metafile.outputs)[0];
for (const [f, v] of Object.entries(out.inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput))
  console.log(v.bytesInOutput, f);
