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
  const memory = memoryStorage();
  const known = new Map<string, string | null>();
  let failed = false;
  const use = <T>(action: (store: WebStorageLike) => T, fallback: () => T): T => {
    if (!failed) {
      try {
        if (store === null) store = getStore();
        if (store) return action(store);
      } catch {
        // fall through to memory
      }
      failed = true;
      for (const [key, value] of known) if (value !== null) memory.set(key, value);
    }
    return fallback();
  };
  return {
    get: (key) =>
      use(
        (s) => {
          const value = s.getItem(key);
          known.set(key, value);
          return value;
        },
        () => memory.get(key),
      ),
    set: (key, value) =>
      use(
        (s) => {
          s.setItem(key, value);
          known.set(key, value);
        },
        () => memory.set(key, value),
      ),
    remove: (key) =>
      use(
        (s) => {
          s.removeItem(key);
          known.set(key, null);
        },
        () => memory.remove(key),
      ),
  };
}
