// Plain-JSON helpers shared by the patch functions. Objects come from request bodies, so a key such as
// `__proto__` must stay an ordinary own property, never reach a prototype.

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const hasOwn = (object: JsonObject, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

export const getOwn = (object: JsonObject, key: string): Json | undefined => (hasOwn(object, key) ? object[key] : undefined);

export function setOwn(object: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}

/** A deep copy through JSON, which also drops `undefined` members the way a request body would. */
export const cloneJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The JSON type of a value as Go's reflect sees decoded JSON: maps, slices, strings, numbers, bools, nil. */
export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';
export const kindOf = (value: Json): JsonKind =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : (typeof value as 'object' | 'string' | 'number' | 'boolean');

/** Deeper than any real object; bodies beyond it are refused before anything walks them recursively. */
export const MAX_JSON_DEPTH = 100;

/** Whether `value` nests deeper than `max` levels; iterative, so the check itself cannot overflow the stack. */
export function nestsDeeperThan(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const problemIn = (text: string) =>
  text.includes('\u0000') ? 'a NUL character (\\u0000)' : LONE_SURROGATE.test(text) ? 'an unpaired UTF-16 surrogate' : undefined;

/**
 * The first text PostgreSQL's text and jsonb cannot hold (U+0000, or an unpaired surrogate, which JSON
 * can carry as `\ud800`): what it is and where. Iterative. (The spec service checks the same.)
 */
export function unstorableText(value: unknown): { what: string; at: string } | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const what = problemIn(v);
      if (what) return { what, at: path || '<root>' };
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push([item, `${path}[${i}]`]));
    } else if (v && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        const what = problemIn(k);
        if (what) return { what, at: `key ${JSON.stringify(k)} in ${path || '<root>'}` };
        stack.push([item, path ? `${path}.${k}` : k]);
      }
    }
  }
  return undefined;
}
