/**
 * Node import cost: wall time (spawn to exit, measured here) and RSS (printed
 * by the child at its end) of `node -e "require(pkg)"` and
 * `node --input-type=module -e "await import(pkg)"`, minus a bare node that
 * prints its RSS the same way. Children run in bench/, one variant after
 * another in each round, so drift on a busy machine hits every variant alike.
 */
import { median, runNode } from "./util.mjs";

export const NODE_PACKAGES = {
  ours: "@schematic-sdk/node",
  theirs: "@schematichq/schematic-typescript-node",
};

const RSS = "process.stdout.write(String(process.memoryUsage().rss))";

function variants() {
  const list = [{ key: "bare", args: ["-e", RSS] }];
  for (const [side, pkg] of Object.entries(NODE_PACKAGES)) {
    list.push({ key: `${side}.require`, args: ["-e", `require(${JSON.stringify(pkg)});${RSS}`] });
    list.push({
      key: `${side}.import`,
      args: ["--input-type=module", "-e", `await import(${JSON.stringify(pkg)});${RSS}`],
    });
  }
  return list;
}

export async function importSection({ runs = 7 } = {}) {
  const list = variants();
  const samples = Object.fromEntries(list.map((v) => [v.key, { ms: [], rss: [], error: undefined }]));
  // One untimed pass warms the OS file cache for every variant.
  for (const v of list) await runNode(v.args, { timeoutMs: 30_000 });
  for (let round = 0; round < runs; round++) {
    for (const v of list) {
      const res = await runNode(v.args, { timeoutMs: 30_000 });
      const rss = Number(res.stdout.trim());
      if (res.code !== 0 || !Number.isFinite(rss)) {
        samples[v.key].error = (
          res.stderr
            .trim()
            .split("\n")
            .find((l) => /Error/.test(l)) ?? `exit ${res.code}`
        )
          .trim()
          .slice(0, 200);
        continue;
      }
      samples[v.key].ms.push(res.ms);
      samples[v.key].rss.push(rss);
    }
  }
  const bareMs = median(samples.bare.ms);
  const bareRss = median(samples.bare.rss);
  const out = { runs, bare: { ms: bareMs, rssMB: bareRss / 2 ** 20 } };
  for (const v of list.slice(1)) {
    const s = samples[v.key];
    const [side, mode] = v.key.split(".");
    out[side] ??= {};
    out[side][mode] =
      s.ms.length === 0
        ? { error: s.error ?? "no sample" }
        : {
            ms: median(s.ms) - bareMs,
            rssMB: (median(s.rss) - bareRss) / 2 ** 20,
            samples: s.ms.length,
          };
  }
  return out;
}
