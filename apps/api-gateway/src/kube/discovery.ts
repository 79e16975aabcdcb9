// The discovery documents kubectl reads before anything else: legacy (/api, /apis, /api/v1,
// /apis/apps/v1) and aggregated (apidiscovery.k8s.io/v2, chosen by the Accept header).
import { accepts } from './accept';
import { groupVersionOf, KUBE_RESOURCES, type KubeResource } from './resources';

/** The content type of an aggregated discovery answer; under plain application/json kubectl rejects the body. */
export const AGGREGATED_DISCOVERY_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export const wantsAggregatedDiscovery = (accept: string | undefined) =>
  accepts(accept, 'application/json', { g: 'apidiscovery.k8s.io', v: 'v2', as: 'APIGroupDiscoveryList' });

/** GET /api (legacy). */
export function apiVersions(serverAddress?: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: serverAddress ? [{ clientCIDR: '0.0.0.0/0', serverAddress }] : [],
  };
}

const groups = () => [...new Set(KUBE_RESOURCES.filter((r) => r.group !== '').map((r) => r.group))];

/** GET /apis (legacy). */
export function apiGroupList() {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups().map((name) => {
      const version = { groupVersion: `${name}/v1`, version: 'v1' };
      return { name, versions: [version], preferredVersion: version };
    }),
  };
}

/** GET /api/v1 or /apis/apps/v1: undefined for a group/version not served. */
export function apiResourceList(groupVersion: string) {
  const resources = KUBE_RESOURCES.filter((r) => groupVersionOf(r) === groupVersion);
  if (resources.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: resources.flatMap((r) => [
      {
        name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: [...r.verbs],
        ...(r.shortNames.length ? { shortNames: [...r.shortNames] } : {}),
        ...(r.categories.length ? { categories: [...r.categories] } : {}),
      },
      ...r.subresources.map((sub) => ({ name: `${r.resource}/${sub.name}`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: [...sub.verbs] })),
    ]),
  };
}

function discoveryResource(r: KubeResource) {
  const responseKind = { group: r.group, version: r.version, kind: r.kind };
  return {
    resource: r.resource,
    responseKind,
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: [...r.verbs],
    ...(r.shortNames.length ? { shortNames: [...r.shortNames] } : {}),
    ...(r.categories.length ? { categories: [...r.categories] } : {}),
    subresources: r.subresources.map((sub) => ({ subresource: sub.name, responseKind, verbs: [...sub.verbs] })),
  };
}

/** GET /api or /apis with the aggregated Accept: the core group, or every named group. */
export function aggregatedDiscovery(root: 'api' | 'apis') {
  const names = root === 'api' ? [''] : groups();
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: names.map((group) => ({
      metadata: group ? { name: group, creationTimestamp: null } : { creationTimestamp: null },
      versions: [{ version: 'v1', resources: KUBE_RESOURCES.filter((r) => r.group === group).map(discoveryResource), freshness: 'Current' }],
    })),
  };
}
