// Output helpers for the repository's scripts: colour only on a terminal
// (and never with NO_COLOR), so logs and pipes get plain text.
import { spawnSync } from "node:child_process";

export const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const paint = (code) => (text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
export const bold = paint(1);
export const dim = paint(2);
export const red = paint(31);
export const green = paint(32);
export const yellow = paint(33);

/** The last `lines` lines of a command's output, indented, for a failure message. */
export function tail(text, lines = 40) {
  const all = text.trimEnd().split("\n");
  const shown = all.slice(-lines);
  const cut = all.length > lines ? `    … ${all.length - lines} earlier lines\n` : "";
  return cut + shown.map((line) => `    ${line}`).join("\n");
}

/** pnpm the way this script was started (`pnpm demo` sets npm_execpath), else from PATH. */
export function pnpmCommand(args) {
  const execPath = process.env.npm_execpath;
  return execPath && /pnpm/.test(execPath) && /\.c?js$/.test(execPath)
    ? [process.execPath, [execPath, ...args]]
    : ["pnpm", args];
}

/**
 * Builds workspace packages with their output kept back: one line when it
 * works, the build's last lines when it does not. Returns whether it built.
 */
export function quietBuild({ root, filters, say }) {
  const started = Date.now();
  const [command, args] = pnpmCommand([...filters.flatMap((filter) => ["--filter", filter]), "-r", "build"]);
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  // Ctrl-C reached the build too: stopping is what the user asked for, not a failure to report.
  if (result.signal === "SIGINT" || result.signal === "SIGTERM") process.exit(0);
  if (result.status === 0) {
    say(`built ${filters.join(", ")} in ${seconds} s`);
    return true;
  }
  say(red(`the build failed (${filters.join(", ")}):`));
  console.log(tail(`${result.stdout ?? ""}${result.stderr ?? ""}${result.error?.message ?? ""}`, 30));
  return false;
}
