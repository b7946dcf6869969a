/**
 * One table of companies or users, upserted by keys. Every (key name, value)
 * pair is indexed (by name, then value), so a lookup or an upsert costs
 * O(number of keys given), never a scan of the table.
 *
 * Upsert rules (the API's):
 * - the entity is the one matched by `id`, else by the first given key pair
 *   that is known; none matched means a new entity;
 * - given keys are added to it, or replace its value for that key name; a
 *   pair that belonged to another entity moves to this one (key remap);
 * - traits merge shallowly (a given trait overwrites, others stay); a given
 *   name replaces the old one; `remove_keys` drops key names.
 */
import type { Keys } from "@schematic-sdk/core";
import { type IdPrefix, newId } from "./ids";
import type { EntityRecord } from "./records";
import type { CompanyUpsertInput } from "./validate";

/** Entity ids by key name, then by value: a lookup hashes the caller's strings, building none. */
class KeyIndex {
  readonly #byName = new Map<string, Map<string, string>>();

  get(name: string, value: string): string | undefined {
    return this.#byName.get(name)?.get(value);
  }

  set(name: string, value: string, id: string): void {
    let byValue = this.#byName.get(name);
    if (byValue === undefined) {
      byValue = new Map();
      this.#byName.set(name, byValue);
    }
    byValue.set(value, id);
  }

  delete(name: string, value: string): void {
    this.#byName.get(name)?.delete(value);
  }

  clear(): void {
    this.#byName.clear();
  }
}

export class EntityTable {
  readonly #prefix: IdPrefix;
  readonly #byId = new Map<string, EntityRecord>();
  readonly #index = new KeyIndex();

  constructor(prefix: IdPrefix) {
    this.#prefix = prefix;
  }

  get size(): number {
    return this.#byId.size;
  }

  get(id: string): EntityRecord | undefined {
    return this.#byId.get(id);
  }

  values(): IterableIterator<EntityRecord> {
    return this.#byId.values();
  }

  /** The entity holding any of these key pairs (the first one known, in the given order). */
  find(keys: Keys, id?: string): EntityRecord | undefined {
    if (id !== undefined) {
      const byId = this.#byId.get(id);
      if (byId) return byId;
    }
    for (const name in keys) {
      const owner = this.#index.get(name, keys[name]!);
      if (owner !== undefined) return this.#byId.get(owner);
    }
    return undefined;
  }

  /** Creates or updates; `now` is the ISO time stamped on what changes. */
  upsert(input: CompanyUpsertInput, now: string): { record: EntityRecord; created: boolean } {
    let record = this.find(input.keys, input.id);
    const created = record === undefined;
    if (!record) {
      record = {
        id: newId(this.#prefix),
        name: "",
        traits: {},
        keys: new Map(),
        created_at: now,
        updated_at: now,
        last_seen_at: now,
      };
      this.#byId.set(record.id, record);
    }
    for (const name of input.removeKeys ?? []) this.#removeKey(record, name);
    for (const name in input.keys) this.#assignKey(record, name, input.keys[name]!, now);
    if (input.name !== undefined) record.name = input.name;
    if (input.traits) Object.assign(record.traits, input.traits);
    record.updated_at = now;
    record.last_seen_at = input.lastSeenAt ?? now;
    return { record, created };
  }

  /** Puts a record back as it was (loading a data file). Later records win key conflicts. */
  insert(record: EntityRecord): void {
    this.#byId.set(record.id, record);
    for (const [name, pair] of record.keys) this.#index.set(name, pair.value, record.id);
  }

  clear(): void {
    this.#byId.clear();
    this.#index.clear();
  }

  #assignKey(record: EntityRecord, name: string, value: string, now: string): void {
    const current = record.keys.get(name);
    if (current?.value === value) return;
    const ownerId = this.#index.get(name, value);
    if (ownerId !== undefined && ownerId !== record.id) {
      const owner = this.#byId.get(ownerId);
      owner?.keys.delete(name);
    }
    if (current) this.#index.delete(name, current.value);
    this.#index.set(name, value, record.id);
    record.keys.set(name, {
      id: current?.id ?? newId("ek"),
      value,
      created_at: current?.created_at ?? now,
      updated_at: now,
    });
  }

  #removeKey(record: EntityRecord, name: string): void {
    const current = record.keys.get(name);
    if (!current) return;
    this.#index.delete(name, current.value);
    record.keys.delete(name);
  }
}
