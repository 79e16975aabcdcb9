// What a request path means, as the API server's RequestInfoFactory reads it: the verb, group,
// namespace, resource, name and subresource. Authorization, metrics and audit strings use it.

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface RequestInfo {
  /** False for discovery, /version, /openapi, /healthz …: `verb` is then the lowercased HTTP method. */
  isResourceRequest: boolean;
  verb: Verb | string;
  group: string;
  version: string;
  namespace?: string;
  resource?: string;
  name?: string;
  subresource?: string;
}

/** Subresources of a namespace object, not resources inside it. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function requestInfo(method: string, url: string): RequestInfo {
  const [path, query = ''] = url.split('?', 2);
  const m = method.toUpperCase();
  const nonResource: RequestInfo = { isResourceRequest: false, verb: m.toLowerCase(), group: '', version: '' };
  let parts = path.split('/').filter(Boolean).map(safeDecode);
  let group = '';
  if (parts[0] === 'api') parts = parts.slice(1);
  else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1];
    parts = parts.slice(2);
  } else return nonResource;
  if (parts.length < 2) return nonResource; // /api, /api/v1, /apis/apps/v1: discovery
  const version = parts[0];
  parts = parts.slice(1);

  let watchPath = false;
  if (parts[0] === 'watch') {
    watchPath = true;
    parts = parts.slice(1);
  }
  let namespace: string | undefined;
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1];
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2])) parts = parts.slice(2);
  }
  const [resource, name, subresource] = parts;
  const watchQuery = /(?:^|&)watch=(?:true|1)(?:&|$)/.test(query);

  let verb: string;
  switch (m) {
    case 'GET':
    case 'HEAD':
      verb = watchPath || watchQuery ? 'watch' : name ? 'get' : 'list';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name ? 'delete' : 'deletecollection';
      break;
    default:
      verb = m.toLowerCase();
  }
  return { isResourceRequest: true, verb, group, version, namespace, resource, name, subresource };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** `DELETE /apis/apps/v1/namespaces/x/daemonsets/y`: the audit string commands carry. */
export const describeRequest = (method: string, url: string) => `${method.toUpperCase()} ${url.split('?', 1)[0]}`;
