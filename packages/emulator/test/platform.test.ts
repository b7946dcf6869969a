import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = fileURLToPath(new URL("../src/", import.meta.url));
// The CLI is Node-only by nature; everything else must load in a worker.
const nodeOnly = new Set(["cli.ts", "runCli.ts"]);

describe("platform", () => {
  it("no module the library loads imports node: built-ins at the top level (createEmulator runs in workers)", () => {
    for (const file of readdirSync(src).filter((f) => f.endsWith(".ts") && !nodeOnly.has(f))) {
      const text = readFileSync(`${src}${file}`, "utf8");
      const staticNodeImports = text.match(/^import (?!type\b)[^;]*from "node:[^"]+";/gm) ?? [];
      expect(staticNodeImports, file).toEqual([]);
    }
  });
});
