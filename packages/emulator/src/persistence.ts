/**
 * The `--data` file: loaded at start, written shortly after changes and on
 * shutdown. Writes go to a temporary file that is then renamed over the real
 * one, so a crash mid-write never leaves a half-written file. A file that
 * cannot be read as a snapshot is an error, never silently replaced.
 * `node:fs` is imported lazily: nothing here runs on the `fetch` path.
 */
import type { EmulatorStore } from "./store";

/** Writes the store to its data file after changes. */
export interface Persistence {
  /** Writes now if anything changed since the last write; resolves when it is on disk. */
  flush(): Promise<void>;
  /** Flushes and stops listening for changes. */
  close(): Promise<void>;
}

const fs = () => import("node:fs/promises");

/** Loads `file` into the store; a missing file is an empty store, anything unreadable an error. */
export async function loadDataFile(store: EmulatorStore, file: string): Promise<void> {
  const { readFile } = await fs();
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new Error(`Cannot read data file ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    store.loadSnapshot(JSON.parse(text));
  } catch (error) {
    throw new Error(
      `Data file ${file} is corrupt (${(error as Error).message}); fix or remove it, it was left untouched`,
      { cause: error },
    );
  }
}

let tempCounter = 0;

async function writeAtomically(file: string, data: string): Promise<void> {
  const { writeFile, rename, rm } = await fs();
  const temp = `${file}.${Date.now().toString(36)}-${++tempCounter}.tmp`;
  try {
    await writeFile(temp, data, "utf8");
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}

/**
 * Keeps `file` up to date with the store: at most one write every `delay` ms
 * while changes keep coming (so a busy emulator is not rewriting its file on
 * every request), and one on `flush`/`close`.
 */
export function persistStore(
  store: EmulatorStore,
  file: string,
  delay: number,
  onError: (error: unknown) => void = (error) =>
    console.error(`schematic-emulator: cannot write ${file}:`, error),
): Persistence {
  let dirty = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> | undefined;

  const write = (): Promise<void> => {
    dirty = false;
    let data: string;
    try {
      data = JSON.stringify(store.toSnapshot());
    } catch (error) {
      // Never from data that came over HTTP (bodies are size- and depth-checked); still never a crash.
      onError(error);
      return Promise.resolve();
    }
    writing = writeAtomically(file, data)
      .catch(onError)
      .finally(() => {
        writing = undefined;
        if (dirty && !stopped) schedule();
      });
    return writing;
  };
  const schedule = () => {
    if (timer || writing) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (dirty) void write();
    }, delay);
    (timer as { unref?: () => void }).unref?.();
  };
  let stopped = false;
  const unsubscribe = store.onChange(() => {
    dirty = true;
    schedule();
  });

  const flush = async () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    while (writing) await writing;
    if (dirty) await write();
  };
  return {
    flush,
    close: async () => {
      stopped = true;
      unsubscribe();
      await flush();
    },
  };
}
