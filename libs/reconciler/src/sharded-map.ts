// A Map split into small maps by key. V8 counts a Map's deleted entries against its capacity, so under churn
// (pods placed and removed all the time) one insert every so often rehashes the whole table at once: 63-73 ms
// for 150,000 pods (bench/lib/map-churn-micro.ts), while every node join waits. Split in 64, a rehash costs
// one shard. Iteration goes shard by shard (each in insertion order), not in global insertion order.
const SHARDS = 64;

/** Cheap and spread enough for our keys, whose ends are random (generated pod names): the last two characters. */
function shardOf(key: unknown): number {
  if (typeof key !== 'string' || key.length === 0) return 0;
  const n = key.length;
  return (key.charCodeAt(n - 1) * 31 + (n > 1 ? key.charCodeAt(n - 2) : 0)) & (SHARDS - 1);
}

export class ShardedMap<K, V> implements Map<K, V> {
  private readonly shards: Map<K, V>[] = Array.from({ length: SHARDS }, () => new Map<K, V>());
  private count = 0;

  get size(): number {
    return this.count;
  }

  get [Symbol.toStringTag](): string {
    return 'ShardedMap';
  }

  get(key: K): V | undefined {
    return this.shards[shardOf(key)].get(key);
  }

  has(key: K): boolean {
    return this.shards[shardOf(key)].has(key);
  }

  set(key: K, value: V): this {
    const shard = this.shards[shardOf(key)];
    const before = shard.size;
    shard.set(key, value);
    this.count += shard.size - before;
    return this;
  }

  delete(key: K): boolean {
    const deleted = this.shards[shardOf(key)].delete(key);
    if (deleted) this.count--;
    return deleted;
  }

  clear(): void {
    for (const shard of this.shards) shard.clear();
    this.count = 0;
  }

  forEach(fn: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    for (const shard of this.shards) for (const [k, v] of shard) fn.call(thisArg, v, k, this);
  }

  *entries(): MapIterator<[K, V]> {
    for (const shard of this.shards) yield* shard.entries();
  }

  *keys(): MapIterator<K> {
    for (const shard of this.shards) yield* shard.keys();
  }

  *values(): MapIterator<V> {
    for (const shard of this.shards) yield* shard.values();
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }
}
