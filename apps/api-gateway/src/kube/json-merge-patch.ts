// RFC 7386 JSON merge patch (`application/merge-patch+json`, what `kubectl label node` sends).
import { cloneJson, getOwn, isJsonObject, setOwn, type Json, type JsonObject } from './json';

/** Applies `patch` to `original` and returns the result; neither input is modified. */
export function applyMergePatch(original: unknown, patch: unknown): unknown {
  return mergePatch(cloneJson(original ?? null) as Json, cloneJson(patch ?? null) as Json);
}

function mergePatch(target: Json, patch: Json): Json {
  if (!isJsonObject(patch)) return patch;
  const result: JsonObject = isJsonObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else setOwn(result, key, mergePatch(getOwn(result, key) ?? null, value));
  }
  return result;
}
