/**
 * A bounded cache that evicts entries not used recently (the CLOCK approximation of LRU).
 * A hit only sets a flag: re-inserting into a Map on every hit, as an exact LRU does, costs
 * more than the prepared statement lookup it guards.
 */
interface Slot<V> {
  value: V;
  used: boolean;
}

export class LruCache<K, V> {
  private readonly entries = new Map<K, Slot<V>>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`LRU capacity must be an integer >= 0; got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const slot = this.entries.get(key);
    if (slot === undefined) return undefined;
    slot.used = true;
    return slot.value;
  }

  set(key: K, value: V): void {
    if (this.capacity === 0) return;
    const slot = this.entries.get(key);
    if (slot !== undefined) {
      slot.value = value;
      slot.used = true;
      return;
    }
    if (this.entries.size >= this.capacity) this.evictOne();
    this.entries.set(key, { value, used: false });
  }

  /** Oldest first; a used entry gets a second chance at the back of the line. */
  private evictOne(): void {
    for (;;) {
      const first = this.entries.entries().next();
      if (first.done) return;
      const [key, slot] = first.value;
      this.entries.delete(key);
      if (!slot.used) return;
      slot.used = false;
      this.entries.set(key, slot);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
