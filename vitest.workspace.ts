import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Vitest 4 has no workspace file of its own: this is a plain config whose
// `test.projects` lists one project per package. Every root script passes it
// with `--config vitest.workspace.ts`.
const packages = ["core", "browser", "react", "node", "emulator"] as const;

// Tests run against sources, never against a build. Subpath entries come
// first: an alias also matches the imports that start with it.
const source = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));
const alias = Object.fromEntries([
  ["@schematic-sdk/emulator/msw", source("emulator/src/msw.ts")],
  ["@schematic-sdk/emulator/node", source("emulator/src/node.ts")],
  ...packages.map((name) => [`@schematic-sdk/${name}`, source(`${name}/src/index.ts`)]),
]);

const domPackages = new Set(["browser", "react"]);

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      ...packages.map((name) => ({
        resolve: { alias },
        test: {
          name,
          root: `./packages/${name}`,
          include: ["test/**/*.test.{ts,tsx}"],
          environment: domPackages.has(name) ? "happy-dom" : "node",
          typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
        },
      })),
      {
        resolve: { alias },
        test: {
          name: "e2e",
          root: ".",
          include: ["packages/*/e2e/**/*.e2e.test.{ts,tsx}", "bench/resilience/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
