#!/usr/bin/env node
import { runCli } from "./runCli";

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Give stdout a moment to drain, then make sure nothing left open keeps us alive.
    setTimeout(() => process.exit(code), 500).unref();
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
