import { defineConfig } from "tsup";

// "use client" must be the first statement of every output file for the Next.js App Router.
export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  target: "es2022",
  sourcemap: true,
  banner: { js: '"use client";' },
});
