// The controller-revision-hash of a pod template, computed like controller.ComputeHash: a 32-bit
// FNV-1a of the template, its decimal value spelled with rand.SafeEncodeString's alphabet. Upstream
// hashes Go's struct dump; we hash canonical JSON (keys sorted), so key order never changes the hash.
import type { PodTemplateSpec } from '@everynode/contracts';

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with object keys sorted at every level; undefined members dropped as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const members = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** rand.SafeEncodeString: each character picks a letter of the alphabet by its code modulo 27. */
const safeEncode = (s: string) => [...s].map((c) => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length]).join('');

export function templateHash(template: PodTemplateSpec): string {
  return safeEncode(String(fnv1a32(canonicalJson(template))));
}
