// RFC 6902 JSON Patch (`application/json-patch+json`, `kubectl patch --type=json`): add, remove,
// replace, move, copy, test, with RFC 6901 pointers. Inputs are not modified.
import { badRequest, failure, KubeStatusError } from '@everynode/contracts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

/** The patch could not be applied to this document (a failed test, a missing path): 422, as upstream. */
const cannotApply = (message: string) => new KubeStatusError(failure(422, 'Invalid', message));

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`invalid JSON pointer ${JSON.stringify(pointer)}: it must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(token: string, length: number, allowEnd: boolean, path: string): number {
  if (allowEnd && token === '-') return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw cannotApply(`invalid array index ${JSON.stringify(token)} in ${path}`);
  const index = Number(token);
  if (index > length || (!allowEnd && index === length)) throw cannotApply(`array index ${index} out of bounds in ${path}`);
  return index;
}

/** The container holding the pointer's last token, and that token. */
function parentOf(doc: Json, tokens: string[], path: string): { parent: Json; key: string } {
  let node = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(node)) node = node[arrayIndex(token, node.length, false, path)];
    else if (isObject(node) && Object.prototype.hasOwnProperty.call(node, token)) node = node[token];
    else throw cannotApply(`doc is missing path: "${path}"`);
  }
  return { parent: node, key: tokens[tokens.length - 1] };
}

function get(doc: Json, path: string): Json {
  const tokens = parsePointer(path);
  if (!tokens.length) return doc;
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) return parent[arrayIndex(key, parent.length, false, path)];
  if (isObject(parent) && Object.prototype.hasOwnProperty.call(parent, key)) return parent[key];
  throw cannotApply(`doc is missing path: "${path}"`);
}

function add(doc: Json, path: string, value: Json): Json {
  const tokens = parsePointer(path);
  if (!tokens.length) return value;
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(key, parent.length, true, path), 0, value);
  else if (isObject(parent)) Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
  else throw cannotApply(`doc is missing path: "${path}"`);
  return doc;
}

function remove(doc: Json, path: string): Json {
  const tokens = parsePointer(path);
  if (!tokens.length) throw cannotApply('cannot remove the whole document');
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(key, parent.length, false, path), 1);
  else if (isObject(parent) && Object.prototype.hasOwnProperty.call(parent, key)) delete parent[key];
  else throw cannotApply(`doc is missing path: "${path}"`);
  return doc;
}

const equal = (a: Json, b: Json): boolean => {
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => equal(v, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equal(a[k], b[k]));
  }
  return a === b;
};

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

function operations(patch: unknown): Operation[] {
  if (!Array.isArray(patch)) throw badRequest('a JSON patch must be an array of operations');
  return patch.map((op, i) => {
    if (!isObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') {
      throw badRequest(`JSON patch operation ${i} needs string "op" and "path"`);
    }
    if (['add', 'replace', 'test'].includes(op.op) && !Object.prototype.hasOwnProperty.call(op, 'value')) {
      throw badRequest(`JSON patch operation ${i} (${op.op}) needs a "value"`);
    }
    if (['move', 'copy'].includes(op.op) && typeof op.from !== 'string') throw badRequest(`JSON patch operation ${i} (${op.op}) needs a "from"`);
    return op as unknown as Operation;
  });
}

export function applyJsonPatch(document: unknown, patch: unknown): unknown {
  let doc = clone(document) as Json;
  for (const op of operations(patch)) {
    switch (op.op) {
      case 'add':
        doc = add(doc, op.path, clone(op.value!));
        break;
      case 'remove':
        doc = remove(doc, op.path);
        break;
      case 'replace':
        if (!parsePointer(op.path).length) {
          doc = clone(op.value!);
          break;
        }
        get(doc, op.path); // the target must exist
        doc = add(remove(doc, op.path), op.path, clone(op.value!));
        break;
      case 'move': {
        if (op.path.startsWith(`${op.from}/`)) throw cannotApply(`cannot move ${op.from} into its own child ${op.path}`);
        const value = get(doc, op.from!);
        doc = add(remove(doc, op.from!), op.path, value);
        break;
      }
      case 'copy':
        doc = add(doc, op.path, clone(get(doc, op.from!)));
        break;
      case 'test':
        if (!equal(get(doc, op.path), op.value!)) throw cannotApply(`testing value ${op.path} failed: test failed`);
        break;
      default:
        throw badRequest(`unknown JSON patch operation ${JSON.stringify(op.op)}`);
    }
  }
  return doc;
}
