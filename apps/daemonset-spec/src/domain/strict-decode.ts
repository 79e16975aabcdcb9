// The API server's decoding of a DaemonSet body: version/kind resolution, Go type checks (with
// encoding/json's messages) and fieldValidation=Strict (unknown fields refused, with their paths).
import type { DaemonSet } from '@everynode/contracts';
import { DAEMONSET_SCHEMA, type FieldSchema, goTypeName } from './daemonset.schema';
import { isObject } from './json-access';
import { badRequest } from './kube-status';
import { assertDepth } from './manifest.parser';
import { QUANTITY_FORMAT_ERROR } from './quantity';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface DecodeOptions {
  /** kubectl sends Strict unless told `--validate=false` (Ignore) or `warn`. */
  fieldValidation?: FieldValidation;
  /** Receives `unknown field "…"` in Warn mode (the API server's Warning headers). */
  warnings?: string[];
}

const SCHEME = 'pkg/api/legacyscheme/scheme.go:30';
const FIND_KIND_TYPE = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';
/** Kinds the API server knows in the versions a DaemonSet body is likely to be confused with. */
const REGISTERED = new Map([
  ['apps/v1', ['DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet', 'ControllerRevision']],
  ['v1', ['Pod', 'PodTemplate', 'ReplicationController', 'Service', 'ConfigMap', 'Secret', 'Namespace', 'Node', 'ServiceAccount']],
]);

/** Plain assignment of `__proto__` would set the prototype instead of keeping the key. */
const setOwn = (o: Record<string, unknown>, k: string, v: unknown) =>
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });

const jsonKind = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v;

/** Decodes into apps/v1 DaemonSet or throws the API server's 400. */
export function strictDecodeDaemonSet(obj: unknown, opts: DecodeOptions = {}): DaemonSet {
  if (obj === null || obj === undefined) throw badRequest(`Object 'Kind' is missing in 'null'`);
  if (!isObject(obj)) {
    throw badRequest(`couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKind(obj)} into Go value of type ${FIND_KIND_TYPE}`);
  }
  assertDepth(obj);
  const { apiVersion, kind } = resolveKind(obj);
  const cannotHandle = (why: string) => badRequest(`${kind} in version "${versionOf(apiVersion)}" cannot be handled as a DaemonSet: ${why}`);
  if (apiVersion !== 'apps/v1' || kind !== 'DaemonSet') {
    throw cannotHandle(
      REGISTERED.get(apiVersion)?.includes(kind)
        ? `converting (${versionOf(apiVersion)}.${kind}) to (apps.DaemonSet): unknown conversion`
        : `no kind "${kind}" is registered for version "${apiVersion}" in scheme "${SCHEME}"`,
    );
  }

  const decoder = new Decoder();
  let decoded: Record<string, unknown>;
  try {
    decoded = decoder.struct(obj, DAEMONSET_SCHEMA as StructSchema, { path: '', goPath: '', struct: '' }) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof HardError) throw cannotHandle(error.message);
    throw error;
  }
  if (decoder.typeError) throw cannotHandle(decoder.typeError);

  const unknown = decoder.unknownFields.map((f) => `unknown field "${f}"`);
  const mode = opts.fieldValidation ?? 'Strict';
  if (unknown.length && mode === 'Strict') throw badRequest(`strict decoding error: ${unknown.join(', ')}`);
  if (mode === 'Warn') opts.warnings?.push(...unknown);
  return { ...decoded, apiVersion, kind } as unknown as DaemonSet;
}

/** The serializer's findKind plus gvkWithDefaults: a missing apiVersion or kind comes from the URL (apps/v1 DaemonSet). */
function resolveKind(obj: Record<string, unknown>): { apiVersion: string; kind: string } {
  for (const field of ['apiVersion', 'kind'] as const) {
    const v = obj[field];
    if (v !== undefined && v !== null && typeof v !== 'string') {
      throw badRequest(`couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKind(v)} into Go struct field .${field} of type string`);
    }
  }
  const kind = (obj.kind as string | undefined) || 'DaemonSet';
  const written = (obj.apiVersion as string | undefined) ?? '';
  const parts = written.split('/');
  if (parts.length > 2) {
    throw badRequest(`the object provided is unrecognized (must be of type DaemonSet): unexpected GroupVersion string: ${written}`);
  }
  let [group, version] = parts.length === 2 ? parts : ['', parts[0]];
  if (!version && (!group || group === 'apps')) [group, version] = ['apps', 'v1'];
  return { apiVersion: group ? `${group}/${version}` : version, kind };
}

const versionOf = (apiVersion: string) => apiVersion.split('/').pop()!;

type StructSchema = Extract<FieldSchema, { kind: 'struct' }>;

interface Where {
  /** JSON path with indices, as strict decoding errors print it. */
  path: string;
  /** Field names only, as encoding/json's type errors print it. */
  goPath: string;
  /** The innermost Go struct being filled. */
  struct: string;
}

/** An error encoding/json returns at once (from a custom unmarshaller), ending the decode. */
class HardError extends Error {}

const INT_RANGE = { int32: [-(2 ** 31), 2 ** 31 - 1], int64: [-(2 ** 63), 2 ** 63] } as const;

class Decoder {
  /** encoding/json keeps going after a type error but reports the first one. */
  typeError: string | null = null;
  readonly unknownFields: string[] = [];

  private mismatch(what: string, schema: FieldSchema, at: Where): void {
    this.typeError ??= `json: cannot unmarshal ${what} into Go struct field ${at.struct}.${at.goPath} of type ${goTypeName(schema)}`;
  }

  value(v: unknown, schema: FieldSchema, at: Where): unknown {
    if (v === null) return null;
    switch (schema.kind) {
      case 'scalar':
        return this.scalar(v, schema.type, schema, at);
      case 'quantity':
        // Upstream refuses a malformed quantity string while decoding (400, no field). everynode lets it
        // through to validation, which names the field (422): more useful, and what the API promises.
        if (typeof v !== 'string' && typeof v !== 'number') throw new HardError(QUANTITY_FORMAT_ERROR);
        return v;
      case 'intOrString':
        if (typeof v === 'string') return v;
        if (typeof v !== 'number') throw new HardError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type int32`);
        if (!Number.isInteger(v) || v < INT_RANGE.int32[0] || v > INT_RANGE.int32[1]) {
          throw new HardError(`json: cannot unmarshal number ${v} into Go value of type int32`);
        }
        return v;
      case 'time':
        if (typeof v !== 'string') throw new HardError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type string`);
        return v;
      case 'struct':
        return this.struct(v, schema, at);
      case 'slice':
        if (!Array.isArray(v)) {
          this.mismatch(jsonKind(v), schema, at);
          return undefined;
        }
        return v.map((item, i) => this.value(item, schema.of, { ...at, path: `${at.path}[${i}]` }));
      case 'map': {
        if (!isObject(v)) {
          this.mismatch(jsonKind(v), schema, at);
          return undefined;
        }
        const out: Record<string, unknown> = {};
        for (const [k, item] of Object.entries(v)) setOwn(out, k, this.value(item, schema.of, { ...at, path: `${at.path}[${k}]` }));
        return out;
      }
    }
  }

  struct(v: unknown, schema: StructSchema, at: Where): unknown {
    if (!isObject(v)) {
      this.mismatch(jsonKind(v), schema, at);
      return undefined;
    }
    if (schema.fields === null) return v;
    const own = schema.go.slice(schema.go.indexOf('.') + 1);
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v)) {
      const path = at.path ? `${at.path}.${k}` : k;
      if (!Object.hasOwn(schema.fields, k)) {
        this.unknownFields.push(path);
        continue;
      }
      const decoded = this.value(item, schema.fields[k], { path, goPath: at.goPath ? `${at.goPath}.${k}` : k, struct: own });
      if (decoded !== undefined) out[k] = decoded;
    }
    return out;
  }

  private scalar(v: unknown, type: keyof typeof INT_RANGE | 'string' | 'bool', schema: FieldSchema, at: Where): unknown {
    if (type === 'string' ? typeof v === 'string' : type === 'bool' ? typeof v === 'boolean' : false) return v;
    if (type === 'int32' || type === 'int64') {
      if (typeof v === 'number') {
        const [lo, hi] = INT_RANGE[type];
        if (Number.isInteger(v) && v >= lo && v <= hi) return v;
        this.mismatch(`number ${v}`, schema, at);
        return undefined;
      }
    }
    this.mismatch(jsonKind(v), schema, at);
    return undefined;
  }
}
