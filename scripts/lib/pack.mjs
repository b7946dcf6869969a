// Packs every package the way `npm publish` would (workspace:* becomes the
// real version) into one directory; resolves with { "@schematic-sdk/x": path }.
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { must } from "../consumers/harness.mjs";

export async function packPackages({ root, dir }) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const packages = readdirSync(join(root, "packages"));
  await must("pnpm", ["--filter", "./packages/*", "-r", "exec", "pnpm", "pack", "--pack-destination", dir], {
    cwd: root,
  });
  const tarballs = {};
  for (const file of readdirSync(dir)) {
    const name = packages.find((pkg) => file.startsWith(`schematic-sdk-${pkg}-`));
    if (name) tarballs[`@schematic-sdk/${name}`] = join(dir, file);
  }
  for (const pkg of packages) {
    if (!tarballs[`@schematic-sdk/${pkg}`]) throw new Error(`no tarball for ${pkg} in ${dir}`);
  }
  return tarballs;
}
