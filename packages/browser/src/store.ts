/**
 * The external store UI bindings read (`subscribe`/`getSnapshot`): an
 * immutable snapshot rebuilt only when something in it changed, and
 * listeners told once per microtask however many changes a burst makes.
 * Reads are pure: nothing here touches storage, timers or the network.
 */
import type { SchematicSnapshot } from "./options";

export class Store {
  readonly #listeners = new Set<() => void>();
  readonly #build: () => SchematicSnapshot;
  #snapshot: SchematicSnapshot | undefined;
  #notifying = false;

  /** @param build makes the current snapshot (called at most once per change). */
  constructor(build: () => SchematicSnapshot) {
    this.#build = build;
  }

  get = (): SchematicSnapshot => {
    this.#snapshot ??= this.#build();
    return this.#snapshot;
  };

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Something in the snapshot changed: rebuild it when next read, tell listeners on the next microtask. */
  changed = (): void => {
    this.#snapshot = undefined;
    if (this.#notifying) return;
    this.#notifying = true;
    queueMicrotask(() => {
      this.#notifying = false;
      for (const listener of this.#listeners) listener();
    });
  };

  clear(): void {
    this.#listeners.clear();
  }
}
