// The keys of one kind in list order, kept between requests: a LIST (or one page of it) then costs
// O(page), not a sort of every object. Additions and removals are recorded as they are folded and
// merged in at the next read (O(n + k log k) once, instead of O(n) per insertion while a cluster
// converges). Used by the gateway's lists and the scheduler's pod lists.

/**
 * The order of every list, as etcd's keys sort: by namespace, then by name, byte-wise. Keys are
 * `namespace/name` (`/name` for cluster-scoped objects); neither part holds a '/', which sorts first.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return (x === 47 ? -1 : x) - (y === 47 ? -1 : y);
  }
  return a.length - b.length;
}

export class SortedKeys {
  private sorted: string[] = [];
  private readonly added = new Set<string>();
  private readonly removed = new Set<string>();

  /** `source` is the truth (the read model's map): when the bookkeeping disagrees with it, all is rebuilt from it. */
  constructor(private readonly source: () => { size: number; keys(): IterableIterator<string> }) {}

  add(key: string): void {
    if (!this.removed.delete(key)) this.added.add(key);
    this.bound();
  }

  remove(key: string): void {
    if (!this.added.delete(key)) this.removed.add(key);
    this.bound();
  }

  /** More changes than keys: sorting afresh at the next read costs less than merging, and nothing grows while nobody reads. */
  private bound(): void {
    if (this.added.size + this.removed.size <= this.sorted.length) return;
    this.sorted = [];
    this.added.clear();
    this.removed.clear();
  }

  /** Every key in list order. The array is shared until the next change: do not modify it. */
  keys(): readonly string[] {
    if (this.added.size || this.removed.size) this.merge();
    const source = this.source();
    if (this.sorted.length !== source.size) this.sorted = [...source.keys()].sort(compareKeys);
    return this.sorted;
  }

  private merge(): void {
    const kept = this.removed.size ? this.sorted.filter((k) => !this.removed.has(k)) : this.sorted;
    const added = [...this.added].sort(compareKeys);
    this.added.clear();
    this.removed.clear();
    if (!added.length) {
      this.sorted = kept;
      return;
    }
    const out = new Array<string>(kept.length + added.length);
    let i = 0;
    let j = 0;
    let o = 0;
    while (i < kept.length && j < added.length) out[o++] = compareKeys(kept[i], added[j]) <= 0 ? kept[i++] : added[j++];
    while (i < kept.length) out[o++] = kept[i++];
    while (j < added.length) out[o++] = added[j++];
    this.sorted = out;
  }
}

/** The index of the first key after `key` (or at it, with `inclusive`). */
export function lowerBound(keys: readonly string[], key: string, inclusive = false): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareKeys(keys[mid], key);
    if (c < 0 || (c === 0 && !inclusive)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The range [from, to) of the keys in `namespace` (all of them without one). */
export function namespaceRange(keys: readonly string[], namespace: string | undefined): [number, number] {
  if (!namespace) return [0, keys.length];
  // `ns/` sorts before every `ns/name`; `ns` + U+FFFF after them (no name holds it), and before `ns-x/…`.
  return [lowerBound(keys, `${namespace}/`, true), lowerBound(keys, `${namespace}/\uffff`, true)];
}
