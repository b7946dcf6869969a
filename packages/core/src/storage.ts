/**
 * The storage seam: a synchronous string store whose methods never throw.
 * Browsers pass `localStorage`; servers and tests pass memory.
 */
export interface Storage {
  /** The stored string, or null. Never throws. */
  get(key: string): string | null;
  /** Stores a string. Never throws; a full or blocked store drops the write. */
  set(key: string, value: string): void;
  /** Removes a key. Never throws. */
  remove(key: string): void;
}

/** The part of the Web Storage API this SDK uses. */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A storage that lives as long as the process or page. */
export function memoryStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get: (key) => map.get(key) ?? null,
    set: (key, value) => void map.set(key, value),
    remove: (key) => void map.delete(key),
  };
}

/**
 * Wraps a Web Storage reached through a lazy getter. The getter runs on first
 * use, inside try/catch, so importing on a server touches nothing. Once the
 * store is missing or throws (Safari private mode, a full quota, a sandboxed
 * frame), everything moves to memory — the values already read included — and
 * keeps working.
 */
export function webStorage(getStore: () => WebStorageLike | undefined): Storage {
  let store: WebStorageLike | undefined | null = null;
  // Every value read or written: the memory everything moves to once the store fails.
  const known = new Map<string, string | null>();
  let failed = false;
  const use = (action: (store: WebStorageLike) => unknown): void => {
    if (failed) return;
    try {
      if (store === null) store = getStore();
      if (store) return void action(store);
    } catch {
      // from now on, memory only
    }
    failed = true;
  };
  return {
    get: (key) => {
      use((s) => known.set(key, s.getItem(key)));
      return known.get(key) ?? null;
    },
    set: (key, value) => {
      known.set(key, value);
      use((s) => s.setItem(key, value));
    },
    remove: (key) => {
      known.set(key, null);
      use((s) => s.removeItem(key));
    },
  };
}
