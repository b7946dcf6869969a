import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const src = fileURLToPath(new URL("../src/", import.meta.url));
const core = fileURLToPath(new URL("../../core/src/index.ts", import.meta.url));
// The CLI and the HTTP server are Node-only by nature; everything else must load in a worker.
const nodeOnly = new Set([
  "cli.ts",
  "runCli.ts",
  "server.ts",
  "node.ts",
  "persistence.ts",
  "live.ts",
  "upgrades.ts",
  "catalogFile.ts",
]);

/** The main entry bundled as a worker or a browser app would (no Node built-ins, nothing external). */
async function workerBundle(entry: string): Promise<{ text: string; inputs: string[] }> {
  const result = await build({
    entryPoints: [`${src}${entry}`],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    metafile: true,
    logLevel: "silent",
    alias: { "@schematic-sdk/core": core },
  });
  return { text: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs) };
}

describe("platform", () => {
  it("the main entry bundles for a worker (esbuild --platform=browser) with no node: import and no msw", async () => {
    const { text, inputs } = await workerBundle("index.ts");
    expect(text).not.toMatch(/["']node:/);
    expect(inputs.filter((file) => /node_modules|msw/.test(file))).toEqual([]);
    // and the bundle answers requests on its own
    const url = `data:text/javascript;base64,${Buffer.from(text).toString("base64")}`;
    const { createEmulator } = (await import(/* @vite-ignore */ url)) as typeof import("../src/index");
    const res = await createEmulator().fetch("http://worker.test/flags/x/check", {
      method: "POST",
      headers: { "x-schematic-api-key": "api_pub_worker" },
      body: "{}",
    });
    expect((await res.json()).data).toMatchObject({ flag: "x", value: false });
  });

  it("only the Node entries import node: built-ins", () => {
    for (const file of readdirSync(src).filter((f) => f.endsWith(".ts") && !nodeOnly.has(f))) {
      const text = readFileSync(`${src}${file}`, "utf8");
      expect(text.match(/from "node:[^"]+"|import\("node:/g) ?? [], file).toEqual([]);
    }
  });

  it("only the msw entry imports msw", () => {
    for (const file of readdirSync(src).filter((f) => f.endsWith(".ts") && f !== "msw.ts")) {
      expect(readFileSync(`${src}${file}`, "utf8"), file).not.toMatch(/from "msw/);
    }
  });
});
