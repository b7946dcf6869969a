// TypeScript consumers: the code users write (fixtures/ts/src), compiled
// against the packed type declarations under each module resolution and
// strictness a project may choose. One tsc run per configuration; each error
// is put down to the file (the case) it is in, or to the library whose
// declarations it is in.
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { versions } from "./consumers.mjs";
import { installConsumer, run } from "./harness.mjs";

const esm = [
  "server.mts",
  "env-url.mts",
  "optional-trait.mts",
  "browser.mts",
  "emulator.mts",
  "react-readme.tsx",
];
// The same user code again as CommonJS files (copied at set-up), compiled to `require`.
const cjs = ["server.cts", "emulator.cts"];

const strict = { strict: true, skipLibCheck: false };
const exact = { ...strict, exactOptionalPropertyTypes: true };
const configs = [
  {
    name: "node16, strict",
    options: { module: "node16", moduleResolution: "node16", ...strict },
    files: [...esm, ...cjs],
  },
  {
    name: "node16, strict, skipLibCheck",
    options: { module: "node16", moduleResolution: "node16", ...strict, skipLibCheck: true },
    files: [...esm, ...cjs],
  },
  {
    name: "nodenext, exactOptional",
    options: { module: "nodenext", moduleResolution: "nodenext", ...exact },
    files: [...esm, ...cjs],
  },
  {
    name: "bundler, strict",
    options: { module: "esnext", moduleResolution: "bundler", ...strict },
    files: esm,
  },
  {
    name: "bundler, exactOptional",
    options: { module: "esnext", moduleResolution: "bundler", ...exact },
    files: esm,
  },
];

/**
 * Known failures of today's packages, by case (a file, or `lib:<package>` for
 * errors inside a library's declarations) and by the option that causes them.
 * Each says what fixes it.
 */
const expected = [
  {
    case: "lib:msw",
    when: (options) => options.moduleResolution === "node16" && !options.skipLibCheck,
    todo: "msw's own declarations fail to compile for a CommonJS file under node16 with skipLibCheck: false; keep msw out of the emulator's main entry (an msw subpath)",
  },
];

const shared = {
  target: "ES2022",
  lib: ["ES2022", "DOM", "DOM.Iterable"],
  types: ["node"],
  jsx: "react-jsx",
  noEmit: true,
  esModuleInterop: true,
};

/** `src/a.mts(3,5): error TS2412: …` → the case it belongs to. */
function caseOf(line) {
  const file = /^(.+?)\(\d+,\d+\): error/.exec(line)?.[1];
  if (!file) return undefined;
  const lib = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];
  return lib ? `lib:${lib}` : file.split("/").at(-1);
}

export async function typeScriptChecks(ctx) {
  const dir = join(ctx.scratch, "ts");
  await installConsumer({
    fixture: join(ctx.here, "fixtures/ts"),
    dir,
    name: "consumer-ts",
    sdk: ["@schematic-sdk/node", "@schematic-sdk/browser", "@schematic-sdk/react", "@schematic-sdk/emulator"],
    dependencies: {
      typescript: versions.typescript,
      "@types/node": versions.typesNode,
      "@types/react": versions.typesReact19,
      react: versions.react19,
    },
    tarballs: ctx.tarballs,
    npmCache: ctx.npmCache,
  });
  for (const file of cjs)
    copyFileSync(join(dir, "src", file.replace(".cts", ".mts")), join(dir, "src", file));
  const tsc = join(dir, "node_modules/typescript/bin/tsc");
  const shown = new Set();
  for (const [index, config] of configs.entries()) {
    const options = { ...shared, ...config.options };
    const project = join(dir, `tsconfig.${index}.json`);
    writeFileSync(
      project,
      JSON.stringify({ compilerOptions: options, files: config.files.map((f) => `src/${f}`) }),
    );
    const result = await run(process.execPath, [tsc, "-p", project, "--pretty", "false"], { cwd: dir });
    const errors = result.output.split("\n").filter((line) => / error TS\d+/.test(line));
    const failing = new Map();
    for (const line of errors) {
      const name = caseOf(line) ?? "tsc";
      failing.set(name, [...(failing.get(name) ?? []), line]);
    }
    const known = expected.filter(
      (entry) =>
        entry.when(options) && config.files.some((f) => entry.case.startsWith("lib:") || f === entry.case),
    );
    const unexpected = [...failing.keys()].filter((name) => !known.some((entry) => entry.case === name));
    const xfail = known.filter((entry) => failing.has(entry.case));
    const xpass = known.filter((entry) => !failing.has(entry.case) && !entry.case.startsWith("lib:"));
    if (result.code !== 0 && errors.length === 0) unexpected.push("tsc");
    const lines = (names) =>
      names.flatMap((name) =>
        (failing.get(name) ?? [result.output.trim()]).slice(0, 4).map((l) => `      ${l}`),
      );
    const notes = [
      ...xfail.map((entry) => {
        if (shown.has(entry.case)) return `    expected failure in ${entry.case} (as above)`;
        shown.add(entry.case);
        return `    expected failure in ${entry.case} — TODO: ${entry.todo}\n${lines([entry.case]).join("\n")}`;
      }),
      ...xpass.map(
        (entry) =>
          `    ${entry.case} compiles now: remove its expected-failure mark (${entry.todo.split(";")[0]})`,
      ),
    ];
    const status = unexpected.length ? "fail" : xfail.length ? "xfail" : xpass.length ? "xpass" : "pass";
    const problems = unexpected.length
      ? [`    unexpected errors in ${unexpected.join(", ")}:`, ...lines(unexpected)]
      : [];
    ctx.record({
      consumer: "ts",
      check: config.name,
      version: versions.typescript,
      status,
      ms: result.ms,
      detail: [...problems, ...notes].join("\n"),
    });
  }
}
