// Request bodies, read by hand: the API takes JSON, YAML (server-side apply), three patch flavours and
// protobuf, each decided by its Content-Type, so no generic body parser runs in front of the handlers.
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, failure, KubeStatusError } from '@everynode/contracts';
import { MAX_JSON_DEPTH, nestsDeeperThan, unstorableText } from '../kube/json';
import { yamlNestsDeeperThan } from '../kube/yaml-nesting';

/** The API server's default request body limit (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export const tooLarge = () => new KubeStatusError(failure(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'));

export function readRawBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(tooLarge());
        return; // keep draining so the 413 can still be written
      }
      chunks.push(chunk);
    });
    req.on('end', () => !failed && resolve(Buffer.concat(chunks)));
    req.on('error', (err) => !failed && reject(badRequest(`reading the request body failed: ${err.message}`)));
  });
}

/** The media type of a Content-Type header, lowercased, without parameters. */
export const mediaType = (header: string | undefined) => (header ?? '').split(';', 1)[0].trim().toLowerCase();

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** A body is stored (or becomes part of what is) in the event log, which cannot hold every string JSON can. */
function storable(value: unknown): unknown {
  const found = unstorableText(value);
  if (found) throw badRequest(`the object contains ${found.what} at ${found.at}, which cannot be stored`);
  return value;
}

export function parseJsonBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (!text.trim()) throw badRequest('the request body is empty: send a JSON object');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(error as Error).message}`);
  }
  // JSON.parse itself is iterative, but patching, validating and re-encoding the value recurse.
  if (nestsDeeperThan(value)) throw badRequest(`couldn't get version/kind; json parse error: exceeded max depth of ${MAX_JSON_DEPTH}`);
  return storable(value);
}

/** The yaml library's default: plenty for anchors in a manifest, far too few for a billion laughs. */
const MAX_YAML_ALIAS_COUNT = 100;

const yamlTooDeep = () => badRequest(`error decoding YAML: yaml: exceeded max depth of ${MAX_JSON_DEPTH}`);

export function parseYamlBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (!text.trim()) throw badRequest('the request body is empty: send a YAML or JSON object');
  if (yamlNestsDeeperThan(text, MAX_JSON_DEPTH)) throw yamlTooDeep(); // before the parser's recursion can overflow
  let value: unknown;
  try {
    // JSON is YAML. Aliases expand to at most MAX_YAML_ALIAS_COUNT nodes, so a small body cannot become a huge one.
    value = parseYaml(text, { maxAliasCount: MAX_YAML_ALIAS_COUNT, uniqueKeys: true });
  } catch (error) {
    if (error instanceof RangeError) throw yamlTooDeep();
    if (error instanceof ReferenceError && /alias count/.test(error.message)) throw badRequest('error decoding YAML: yaml: document contains excessive aliasing');
    throw badRequest(`error decoding YAML: ${(error as Error).message}`);
  }
  if (nestsDeeperThan(value)) throw yamlTooDeep();
  return storable(value);
}

/** A JSON (or, for the media types that allow it, YAML) object body. */
export function parseObjectBody(body: Buffer, contentType: string | undefined): Record<string, unknown> {
  const type = mediaType(contentType);
  const value = type === 'application/yaml' || type === 'application/apply-patch+yaml' ? parseYamlBody(body) : parseJsonBody(body);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest('the request body must be a JSON object');
  return value as Record<string, unknown>;
}
