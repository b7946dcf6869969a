#!/usr/bin/env node
// `pnpm pack:packages`: the packages as npm would publish them, in .packed/,
// for `npm install <tarball>…` in a project of your own until they are on npm.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { packPackages } from "./lib/pack.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tarballs = await packPackages({ root, dir: join(root, ".packed") });
console.log("Packed (install the ones you use with those they need: core always, browser for react):");
for (const path of Object.values(tarballs)) console.log(`  ${path}`);
