import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Vitest 4 has no workspace file of its own: this is a plain config whose
// `test.projects` lists one project per package. Every root script passes it
// with `--config vitest.workspace.ts`.
const packages = ["core", "browser", "react", "node", "emulator"] as const;

// Tests run against sources, never against a build.
const alias = Object.fromEntries(
  packages.map((name) => [
    `@schematic-sdk/${name}`,
    fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url)),
  ]),
);

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
