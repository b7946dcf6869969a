#!/usr/bin/env node
// `pnpm example:browser [--port 5174]`: builds the browser package's
// `<script>` build if it is missing and serves examples/browser on
// http://127.0.0.1:5174/. Start the emulator beside it with `pnpm emulator`.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serveBrowserExample } from "./lib/browser-example.mjs";
import { bold, quietBuild } from "./lib/terminal.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const say = (line) => console.log(`${bold("[browser example]")} ${line}`);
const portArg = process.argv.indexOf("--port");
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 5174;

if (!existsSync(join(root, "packages/browser/dist/schematic.global.js"))) {
  say("building the browser package…");
  if (!quietBuild({ root, filters: ["@schematic-sdk/browser..."], say })) process.exit(1);
}
const server = await serveBrowserExample({ root, port }).catch((error) => {
  say(`cannot listen on 127.0.0.1:${port} (${error.code ?? error.message}); pass --port <n>`);
  process.exit(1);
});
say(
  `serving http://127.0.0.1:${server.address().port}/ (the emulator is expected on http://127.0.0.1:8787: pnpm emulator)`,
);
say("press Ctrl-C to stop");
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
