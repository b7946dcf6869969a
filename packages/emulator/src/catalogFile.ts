/**
 * Reloads the catalog when its file changes. The file's folder is watched
 * (not the file), so an editor that saves by writing a new file and renaming
 * it over the old one is seen too. Changes are gathered for a moment, the
 * file is read and checked whole, and only a good catalog replaces the one
 * in use: a half-written or broken file keeps the previous catalog and is
 * reported.
 */
import { watch } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { type Catalog, parseCatalog } from "./catalog";
import type { Timers } from "./timers";

/** What a reload did: the catalog now in use, or why the file was refused. */
export type CatalogReload = { path: string; catalog: Catalog } | { path: string; error: Error };

export interface CatalogWatchParts {
  path: string;
  timers: Timers;
  /** Called with each good catalog read after a change. */
  apply(catalog: Catalog): void;
  /** Called after each reload, good or refused. */
  report?(reload: CatalogReload): void;
  /** Milliseconds to gather changes (editors write in several steps). @default 50 */
  settle?: number;
}

/** Watches the catalog file; returns a function that stops. */
export function watchCatalogFile(parts: CatalogWatchParts): () => void {
  const { path, timers, apply, report, settle = 50 } = parts;
  const file = resolve(path);
  const name = basename(file);
  let timer: unknown;

  const reload = async () => {
    timer = undefined;
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      // Gone for a moment (an editor's rename); the next change brings it back.
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      report?.({ path, error: error as Error });
      return;
    }
    try {
      // An unchanged catalog changes no answer, so applying it again pushes nothing.
      const catalog = parseCatalog(JSON.parse(text));
      apply(catalog);
      report?.({ path, catalog });
    } catch (error) {
      report?.({ path, error: error as Error });
    }
  };

  const watcher = watch(dirname(file), (_event, changed) => {
    if (changed !== null && changed.toString() !== name) return;
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = timers.setTimeout(() => void reload(), settle);
  });
  watcher.on("error", (error) => report?.({ path, error }));
  return () => {
    watcher.close();
    if (timer !== undefined) timers.clearTimeout(timer);
  };
}
