// Manifest text (JSON or YAML) to a plain value. Anything malformed is a 400 that says where;
// alias bombs and absurd nesting are refused before anything walks the value recursively.
import { LineCounter, parseDocument } from 'yaml';
import { badRequest } from './kube-status';
import { yamlNestsDeeperThan } from './yaml-nesting';

/** Deeper than any real manifest (a DaemonSet with managedFields stays under 20). */
export const MAX_DEPTH = 100;
/** Aliases resolved (counted by the nodes they expand to); manifests rarely use any. */
export const MAX_ALIAS_COUNT = 100;

export function parseManifest(text: string): unknown {
  const source = text.replace(/^\uFEFF/, '');
  if (source.trim() === '') throw badRequest('the request body is empty: expected a JSON or YAML manifest');
  const value = /^\s*[{[]/.test(source) ? parseJsonOrYaml(source) : parseYaml(source);
  assertDepth(value);
  return value;
}

function parseJsonOrYaml(source: string): unknown {
  try {
    return JSON.parse(source);
  } catch {
    // Not JSON: read it as YAML flow syntax (a superset, as the API server reads a YAML body),
    // which also names the line and column of a real error.
    return parseYaml(source);
  }
}

function parseYaml(source: string): unknown {
  if (yamlNestsDeeperThan(source, MAX_DEPTH)) throw badRequest(`error converting YAML to JSON: yaml: exceeded max depth of ${MAX_DEPTH}`);
  const lineCounter = new LineCounter();
  try {
    const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
    const [error] = doc.errors;
    if (error) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      throw badRequest(`error converting YAML to JSON: yaml: line ${line}, column ${col}: ${error.message}`);
    }
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof ReferenceError) throw badRequest(`error converting YAML to JSON: yaml: ${error.message}`);
    if (error instanceof RangeError) throw badRequest(`error converting YAML to JSON: yaml: exceeded max depth of ${MAX_DEPTH}`);
    throw error;
  }
}

/** Iterative, so that the check itself cannot overflow the stack. */
export function assertDepth(value: unknown, max = MAX_DEPTH): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) throw badRequest(`the manifest nests deeper than ${max} levels`);
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
}
