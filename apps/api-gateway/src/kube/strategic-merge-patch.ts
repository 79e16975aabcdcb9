// Kubernetes strategic merge patch, applied the way the API server applies it
// (k8s.io/apimachinery/pkg/util/strategicpatch, StrategicMergeMapPatch: parallel lists merged,
// unmatched nulls ignored). The struct tags Go reads by reflection come from a path table here.
import { badRequest } from '@everynode/contracts';
import { cloneJson, getOwn, hasOwn, isJsonObject, kindOf, setOwn, type Json, type JsonKind, type JsonObject } from './json';
import { K8S_MERGE_KEYS, type PatchSchema } from './merge-keys';

export { K8S_MERGE_KEYS, type FieldPatchMeta, type PatchSchema } from './merge-keys';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

const fail = (message: string): never => {
  throw badRequest(message);
};
const show = (value: unknown) => JSON.stringify(value);

/** Applies `patch` to `original` and returns the result; neither input is modified. Throws a 400 Status on a malformed patch. */
export function applyStrategicMergePatch(original: unknown, patch: unknown, schema: PatchSchema = K8S_MERGE_KEYS): unknown {
  if (!isJsonObject(patch)) fail('invalid JSON document');
  const target = isJsonObject(original) ? cloneJson(original) : {};
  return new Merger(schema).mergeMap(target, cloneJson(patch as JsonObject), '');
}

const childPath = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** The part of a directive key after `<prefix>/`, e.g. `containers` of `$setElementOrder/containers`. */
function listKeyOf(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    fail(prefix === SET_ELEMENT_ORDER ? 'invalid patch format of setElementOrder list' : 'invalid patch format of primitive list');
  }
  return key.slice(slash + 1);
}

/** The common kind of all elements (Go: sliceElementType); lists of lists and mixed lists are refused. */
function elementKind(...lists: Json[][]): JsonKind {
  let kind: JsonKind | undefined;
  for (const list of lists) {
    for (const item of list) {
      const current = kindOf(item);
      if (kind === undefined) {
        if (current === 'array') fail('lists of lists are not supported');
        kind = current;
      } else if (kind !== current) {
        fail(`list element types are not identical: ${show(lists)}`);
      }
    }
  }
  return kind ?? 'null';
}

function asObject(item: Json): JsonObject {
  if (!isJsonObject(item)) return fail(`expected a map, but received ${show(item)}`);
  return item;
}

function mergeKeyValue(item: Json, mergeKey: string): Json {
  const map = asObject(item);
  if (!hasOwn(map, mergeKey)) fail(`map: ${show(map)} does not contain declared merge key: ${mergeKey}`);
  return map[mergeKey];
}

/** Position of `value` in `list`: by merge key for maps, by value for scalars (Go's `==` on decoded JSON). */
function indexIn(list: Json[], value: Json, mergeKey: string, kind: JsonKind): number {
  const keyOf = (item: Json) => (kind === 'object' ? (isJsonObject(item) ? getOwn(item, mergeKey) : undefined) : item);
  const wanted = keyOf(value);
  return list.findIndex((item) => keyOf(item) === wanted);
}

function partitionByPresence(items: Json[], presentIn: Json[], mergeKey: string, kind: JsonKind): [Json[], Json[]] {
  const present: Json[] = [];
  const absent: Json[] = [];
  for (const item of items) {
    if (kind === 'object') mergeKeyValue(item, mergeKey);
    (indexIn(presentIn, item, mergeKey, kind) >= 0 ? present : absent).push(item);
  }
  return [present, absent];
}

/** Sorts `items` by their position in `order`, keeping ties stable (Go: normalizeSliceOrder). */
function sortByOrder(items: Json[], order: Json[], mergeKey: string, kind: JsonKind): Json[] {
  if (kind === 'object') for (const item of [...items, ...order]) mergeKeyValue(item, mergeKey);
  const position = (item: Json) => {
    const at = indexIn(order, item, mergeKey, kind);
    return at < 0 ? Number.MAX_SAFE_INTEGER : at;
  };
  return [...items].sort((a, b) => position(a) - position(b));
}

/**
 * Interleaves server-only items (`left`) into patch items (`right`), both already sorted, keeping each
 * list's relative order and otherwise the order of the live list (Go: mergeSortedSlice).
 */
function mergeSorted(left: Json[], right: Json[], serverOrder: Json[], mergeKey: string, kind: JsonKind): Json[] {
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) out.push(left[i++]);
    else if (i >= left.length) out.push(right[j++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      out.push(li >= 0 && ri >= 0 && li < ri ? left[i++] : right[j++]);
    }
  }
  return out;
}

function normalizeElementOrder(
  patchItems: Json[], serverOnly: Json[], patchOrder: Json[], serverOrder: Json[], mergeKey: string, kind: JsonKind,
): Json[] {
  return mergeSorted(
    sortByOrder(serverOnly, serverOrder, mergeKey, kind),
    sortByOrder(patchItems, patchOrder, mergeKey, kind),
    serverOrder, mergeKey, kind,
  );
}

function dedupeScalars(items: Json[]): Json[] {
  return items.filter((item, at) => items.indexOf(item) === at);
}

/** `$setElementOrder` must list the patch's elements in the same relative order (Go: validatePatchWithSetOrderList). */
function validateSetOrder(patchList: Json[], setOrder: Json[], mergeKey: string): void {
  if (setOrder.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey ? patchList.filter((item) => getOwn(asObject(item), DIRECTIVE) !== 'delete') : patchList;
  const same = (a: Json, b: Json) => (mergeKey ? mergeKeyValue(a, mergeKey) === mergeKeyValue(b, mergeKey) : a === b);
  let p = 0;
  let s = 0;
  while (p < nonDelete.length && s < setOrder.length) {
    const item = nonDelete[p];
    if (isJsonObject(item) && hasOwn(item, DIRECTIVE)) {
      p++;
      continue;
    }
    if (same(item, setOrder[s])) p++;
    s++;
  }
  if (p < nonDelete.length) {
    fail(`The order in patch list:\n${show(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${show(setOrder)}\n`);
  }
}

class Merger {
  constructor(private readonly schema: PatchSchema) {}

  /** Merges `patch` into `original` (both owned copies, mutated) and returns the merged map. */
  mergeMap(original: JsonObject, patch: JsonObject, path: string): JsonObject {
    if (hasOwn(patch, DIRECTIVE)) {
      const directive = patch[DIRECTIVE];
      delete patch[DIRECTIVE];
      if (directive === 'delete') return {};
      if (directive === 'replace') return this.mergeMap({}, patch, path);
      // Merging is what a map does anyway; upstream refuses the explicit form, we accept it.
      if (directive !== 'merge') fail(`unknown patch type: ${show(directive)} in map: ${show(patch)}`);
    }
    this.applyRetainKeys(original, patch);
    this.applySetElementOrder(original, patch, path);

    for (const [patchKey, value] of Object.entries(patch)) {
      const isDeleteList = patchKey.startsWith(DELETE_FROM_PRIMITIVE_LIST);
      const key = isDeleteList ? listKeyOf(patchKey, DELETE_FROM_PRIMITIVE_LIST) : patchKey;
      if (value === null) {
        delete original[key];
        continue;
      }
      const current = getOwn(original, key);
      const here = childPath(path, key);
      if (current === undefined || kindOf(current) !== kindOf(value)) {
        if (!isDeleteList) setOwn(original, key, this.fresh(value, here));
        continue;
      }
      if (isJsonObject(current)) {
        const replace = this.schema[here]?.strategy === 'replace';
        setOwn(original, key, replace ? this.fresh(value, here) : this.mergeMap(current, value as JsonObject, here));
      } else if (Array.isArray(current)) {
        setOwn(original, key, isDeleteList ? this.deleteFromList(current, value as Json[]) : this.mergeList(current, value as Json[], here));
      } else {
        setOwn(original, key, value);
      }
    }
    return original;
  }

  /** A patch value with nothing to merge into: directives applied, nulls dropped (Go: discardNullValuesFromPatch). */
  private fresh(value: Json, path: string): Json {
    if (isJsonObject(value)) return this.mergeMap({}, value, path);
    if (Array.isArray(value)) return this.freshList(value, path);
    return value;
  }

  private freshList(list: Json[], path: string): Json[] {
    const plain = list.filter((item) => !(isJsonObject(item) && hasOwn(item, DIRECTIVE)));
    for (const item of list) {
      if (isJsonObject(item) && hasOwn(item, DIRECTIVE)) this.checkListDirective(item[DIRECTIVE], item);
    }
    const items = plain.map((item) => this.fresh(item, path));
    return this.schema[path]?.strategy === 'merge' && !this.schema[path]?.mergeKey ? dedupeScalars(items) : items;
  }

  private checkListDirective(directive: Json, item: JsonObject): void {
    if (directive !== 'delete' && directive !== 'replace' && directive !== 'merge') {
      fail(`unknown patch type: ${show(directive)} in map: ${show(item)}`);
    }
  }

  private deleteFromList(current: Json[], toDelete: Json[]): Json[] {
    return current.filter((item) => !toDelete.includes(item));
  }

  /** Go: mergeSliceHandler + mergeSlice. */
  private mergeList(original: Json[], patch: Json[], path: string): Json[] {
    const meta = this.schema[path];
    if (meta?.strategy !== 'merge') return this.freshList(patch, path);
    if (original.length === 0 && patch.length === 0) return original;
    const kind = elementKind(original, patch);

    if (kind !== 'object') {
      const merged = dedupeScalars([...original, ...patch]);
      const [patchItems, serverOnly] = partitionByPresence(merged, patch, '', kind);
      return normalizeElementOrder(patchItems, serverOnly, patch, original, '', kind);
    }
    const mergeKey = meta.mergeKey ?? fail(`cannot merge lists without merge key for ${path}`);
    const special = this.applySpecialElements(original, patch, mergeKey, path);
    if (special.replaced) return special.replaced;
    const merged = this.mergeByKey(special.original, special.patch, mergeKey, path);
    const [patchItems, serverOnly] = partitionByPresence(merged, special.patch, mergeKey, kind);
    return normalizeElementOrder(patchItems, serverOnly, special.patch, special.original, mergeKey, kind);
  }

  /** `$patch` elements of a merged list: delete by key, replace the whole list (Go: mergeSliceWithSpecialElements). */
  private applySpecialElements(original: Json[], patch: Json[], mergeKey: string, path: string) {
    const plain: Json[] = [];
    let kept = original;
    let replace = false;
    for (const item of patch) {
      const map = asObject(item);
      if (!hasOwn(map, DIRECTIVE)) {
        plain.push(item);
        continue;
      }
      const directive = map[DIRECTIVE];
      this.checkListDirective(directive, map);
      if (directive === 'delete') {
        const value = mergeKeyValue(map, mergeKey);
        kept = kept.filter((existing) => getOwn(asObject(existing), mergeKey) !== value);
      } else if (directive === 'replace') {
        replace = true;
      }
      // An element that only says `merge` asks for what a merged list does anyway.
    }
    if (replace) return { original: kept, patch: plain, replaced: plain.map((item) => this.fresh(item, path)) };
    return { original: kept, patch: plain, replaced: undefined };
  }

  /** Go: mergeSliceWithoutSpecialElements. */
  private mergeByKey(original: Json[], patch: Json[], mergeKey: string, path: string): Json[] {
    const merged = [...original];
    for (const item of patch) {
      const value = mergeKeyValue(item, mergeKey);
      const at = merged.findIndex((existing) => getOwn(asObject(existing), mergeKey) === value);
      if (at >= 0) merged[at] = this.mergeMap(merged[at] as JsonObject, item as JsonObject, path);
      else merged.push(this.fresh(item, path));
    }
    return merged;
  }

  /** Clears the keys of `original` missing from `$retainKeys` (Go: applyRetainKeysDirective). */
  private applyRetainKeys(original: JsonObject, patch: JsonObject): void {
    if (!hasOwn(patch, RETAIN_KEYS)) return;
    const retain = patch[RETAIN_KEYS];
    delete patch[RETAIN_KEYS];
    if (!Array.isArray(retain)) return fail('invalid patch format of retainKeys');
    const kept = new Set(retain);
    for (const [key, value] of Object.entries(patch)) {
      if (value === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) continue;
      if (!kept.has(key)) fail('invalid patch format of retainKeys');
    }
    for (const key of Object.keys(original)) if (!kept.has(key)) delete original[key];
  }

  /**
   * Merges each list named by a `$setElementOrder/<list>` with its patch list and orders the result:
   * $setElementOrder first, then the patch's order, then the live order (Go: mergePatchIntoOriginal).
   */
  private applySetElementOrder(original: JsonObject, patch: JsonObject, path: string): void {
    for (const [directiveKey, setOrder] of Object.entries(patch)) {
      if (!directiveKey.startsWith(SET_ELEMENT_ORDER)) continue;
      delete patch[directiveKey];
      if (!Array.isArray(setOrder)) fail('invalid patch format of setElementOrder list');
      const key = listKeyOf(directiveKey, SET_ELEMENT_ORDER);
      const here = childPath(path, key);
      const originalList = getOwn(original, key);
      const patchList = getOwn(patch, key);
      if (originalList !== undefined && !Array.isArray(originalList)) fail(`expected a list at ${here}, but received ${show(originalList)}`);
      if (patchList !== undefined && patchList !== null && !Array.isArray(patchList)) fail(`expected a list at ${here}, but received ${show(patchList)}`);
      if (originalList === undefined && (patchList === undefined || patchList === null)) continue;
      if (patchList === null) continue; // a null deletes the list, in the main loop

      const meta = this.schema[here];
      delete patch[key];
      if (meta?.strategy !== 'merge') {
        // Only merged lists carry an order directive; an atomic list is simply the patch's.
        setOwn(original, key, patchList === undefined ? (originalList as Json[]) : this.freshList(patchList as Json[], here));
        continue;
      }
      const mergeKey = meta.mergeKey ?? '';
      const order = setOrder as Json[];
      validateSetOrder((patchList as Json[] | undefined) ?? [], order, mergeKey);
      const merged =
        originalList === undefined ? this.freshList(patchList as Json[], here)
        : patchList === undefined ? (originalList as Json[])
        : this.mergeList(originalList as Json[], patchList as Json[], here);
      if (merged.length === 0) {
        setOwn(original, key, merged);
        continue;
      }
      const kind = elementKind(merged);
      const [patchItems, serverOnly] = partitionByPresence(merged, order, mergeKey, kind);
      setOwn(original, key, normalizeElementOrder(patchItems, serverOnly, order, (originalList as Json[] | undefined) ?? [], mergeKey, kind));
    }
  }
}
