// Defensive reads of decoded JSON: the validator and the defaults never throw on a value of the
// wrong shape; they read it as absent (strict decoding has refused such values already).

export type JsonObject = Record<string, unknown>;

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
export const obj = (v: unknown): JsonObject | undefined => (isObject(v) ? v : undefined);
export const arr = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
/** Go reads an absent or null field as its zero value; so do we. */
export const present = (v: unknown): boolean => v !== undefined && v !== null;
export const entries = (v: unknown): [string, unknown][] => (isObject(v) ? Object.entries(v) : []);
