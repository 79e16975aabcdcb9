// The resources the gateway serves, from which discovery and OpenAPI are built.

export interface KubeResource {
  /** `''` for the core group. */
  readonly group: '' | 'apps';
  readonly version: 'v1';
  /** The plural resource name of URLs: `daemonsets`. */
  readonly resource: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly verbs: readonly string[];
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly subresources: readonly { readonly name: 'status'; readonly verbs: readonly string[] }[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
const STATUS = [{ name: 'status', verbs: ['get', 'patch', 'update'] }] as const;

/** Verbs, short names and categories as a v1.32 API server announces them. */
export const KUBE_RESOURCES: readonly KubeResource[] = [
  {
    group: '', version: 'v1', resource: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ns'], categories: [], subresources: STATUS,
  },
  { group: '', version: 'v1', resource: 'nodes', singular: 'node', kind: 'Node', namespaced: false, verbs: ALL_VERBS, shortNames: ['no'], categories: [], subresources: STATUS },
  { group: '', version: 'v1', resource: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, verbs: ALL_VERBS, shortNames: ['po'], categories: ['all'], subresources: STATUS },
  {
    group: 'apps', version: 'v1', resource: 'daemonsets', singular: 'daemonset', kind: 'DaemonSet', namespaced: true,
    verbs: ALL_VERBS, shortNames: ['ds'], categories: ['all'], subresources: STATUS,
  },
];

/** `v1` for the core group, `apps/v1` otherwise. */
export const groupVersionOf = (resource: Pick<KubeResource, 'group' | 'version'>) => (resource.group ? `${resource.group}/${resource.version}` : resource.version);

/** The resource served under a group/version (`v1`, `apps/v1`) by plural name, short name or kind. */
export function findResource(groupVersion: string, name: string): KubeResource | undefined {
  const lower = name.toLowerCase();
  return KUBE_RESOURCES.find((r) => groupVersionOf(r) === groupVersion && (r.resource === lower || r.singular === lower || r.shortNames.includes(lower)));
}
