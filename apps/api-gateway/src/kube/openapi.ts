// The OpenAPI v3 documents kubectl needs for `apply` and `create -f`: with a PATCH operation that
// declares the `fieldValidation` query parameter for a kind, kubectl sends fieldValidation=Strict and
// leaves validation to the server. Request body schemas are left out on purpose: without them kubectl
// computes strategic merge patches from its built-in types, and an incomplete schema would make it warn.
import { createHash } from 'node:crypto';
import { groupVersionOf, KUBE_RESOURCES, type KubeResource } from './resources';
import { VERSION_INFO } from './version';

/** `api/v1` or `apis/apps/v1`: the key of a group/version in the index and its URL path. */
const pathOf = (r: Pick<KubeResource, 'group' | 'version'>) => (r.group ? `apis/${groupVersionOf(r)}` : `api/${r.version}`);

const queryParameter = (name: string, description: string) => ({ name, in: 'query', description, schema: { type: 'string', uniqueItems: true } });

const PATCH_PARAMETERS = [
  queryParameter('dryRun', 'When present, indicates that modifications should not be persisted.'),
  queryParameter('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  queryParameter('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.'),
  { name: 'force', in: 'query', description: 'Force is going to "force" Apply requests.', schema: { type: 'boolean', uniqueItems: true } },
];

const pathParameter = (name: string, description: string) => ({ name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } });

function objectPath(r: KubeResource): [string, object] {
  const url = r.namespaced ? `/${pathOf(r)}/namespaces/{namespace}/${r.resource}/{name}` : `/${pathOf(r)}/${r.resource}/{name}`;
  const group = r.group ? r.group.charAt(0).toUpperCase() + r.group.slice(1) : 'Core';
  return [url, {
    parameters: [
      pathParameter('name', `name of the ${r.kind}`),
      ...(r.namespaced ? [pathParameter('namespace', 'object name and auth scope, such as for teams and projects')] : []),
    ],
    patch: {
      description: `partially update the specified ${r.kind}`,
      operationId: `patch${group}V1${r.namespaced ? 'Namespaced' : ''}${r.kind}`,
      parameters: PATCH_PARAMETERS,
      responses: { 200: { description: 'OK' }, 201: { description: 'Created' } },
      'x-kubernetes-action': 'patch',
      'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
    },
  }];
}

/** GET /openapi/v3/api/v1 or /openapi/v3/apis/apps/v1 (without the leading slash): undefined when not served. */
export function openApiV3Document(groupVersionPath: string) {
  const resources = KUBE_RESOURCES.filter((r) => pathOf(r) === groupVersionPath);
  if (resources.length === 0) return undefined;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: VERSION_INFO.gitVersion },
    paths: Object.fromEntries(resources.map(objectPath)),
    components: { schemas: {} },
  };
}

/** A content hash in the URL lets kubectl cache each document until it changes, as upstream does. */
const hashOf = (document: object) => createHash('sha512').update(JSON.stringify(document)).digest('hex').toUpperCase();

/** GET /openapi/v3: every group/version with the URL of its document. */
export function openApiV3Index() {
  const paths = [...new Set(KUBE_RESOURCES.map(pathOf))];
  return {
    paths: Object.fromEntries(paths.map((path) => [path, { serverRelativeURL: `/openapi/v3/${path}?hash=${hashOf(openApiV3Document(path)!)}` }])),
  };
}
