import { aggregatedDiscovery, AGGREGATED_DISCOVERY_CONTENT_TYPE, apiGroupList, apiResourceList, apiVersions, wantsAggregatedDiscovery } from './discovery';
import { findResource } from './resources';
import { VERSION_INFO } from './version';

const KUBECTL_DISCOVERY_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

describe('legacy discovery', () => {
  it('GET /api lists v1', () => {
    expect(apiVersions()).toEqual({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    expect(apiVersions('10.0.0.1:6443').serverAddressByClientCIDRs).toEqual([{ clientCIDR: '0.0.0.0/0', serverAddress: '10.0.0.1:6443' }]);
  });

  it('GET /apis lists apps/v1', () => {
    expect(apiGroupList()).toEqual({
      kind: 'APIGroupList', apiVersion: 'v1',
      groups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } }],
    });
  });

  it('GET /api/v1 lists namespaces, nodes and pods with their status subresources', () => {
    const list = apiResourceList('v1')!;
    expect(list.groupVersion).toBe('v1');
    expect(list.resources.map((r) => r.name)).toEqual(['namespaces', 'namespaces/status', 'nodes', 'nodes/status', 'pods', 'pods/status']);
    expect(list.resources[4]).toEqual({
      name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['po'], categories: ['all'],
    });
    expect(list.resources[0]).toMatchObject({ name: 'namespaces', namespaced: false, kind: 'Namespace', shortNames: ['ns'] });
    expect(list.resources[0]).not.toHaveProperty('categories');
    expect(list.resources[2]).toMatchObject({ name: 'nodes', namespaced: false, shortNames: ['no'] });
    expect(list.resources[5]).toEqual({ name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] });
  });

  it('GET /apis/apps/v1 lists daemonsets (ds) and daemonsets/status', () => {
    expect(apiResourceList('apps/v1')).toEqual({
      kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'apps/v1',
      resources: [
        { name: 'daemonsets', singularName: 'daemonset', namespaced: true, kind: 'DaemonSet', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ds'], categories: ['all'] },
        { name: 'daemonsets/status', singularName: '', namespaced: true, kind: 'DaemonSet', verbs: ['get', 'patch', 'update'] },
      ],
    });
    expect(apiResourceList('batch/v1')).toBeUndefined();
  });
});

describe('aggregated discovery', () => {
  it('is chosen by the Accept header kubectl sends', () => {
    expect(wantsAggregatedDiscovery(KUBECTL_DISCOVERY_ACCEPT)).toBe(true);
    expect(wantsAggregatedDiscovery('application/json')).toBe(false);
    expect(wantsAggregatedDiscovery(undefined)).toBe(false);
    expect(AGGREGATED_DISCOVERY_CONTENT_TYPE).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  });

  it('GET /api: the core group with responseKind, scope, verbs and short names', () => {
    const list = aggregatedDiscovery('api');
    expect(list).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' });
    expect(list.items).toHaveLength(1);
    expect(list.items[0].metadata).toEqual({ creationTimestamp: null });
    const [version] = list.items[0].versions;
    expect(version.version).toBe('v1');
    expect(version.freshness).toBe('Current');
    expect(version.resources.map((r) => [r.resource, r.scope, r.shortNames])).toEqual([['namespaces', 'Cluster', ['ns']], ['nodes', 'Cluster', ['no']], ['pods', 'Namespaced', ['po']]]);
    expect(version.resources[2]).toMatchObject({
      responseKind: { group: '', version: 'v1', kind: 'Pod' }, singularResource: 'pod', categories: ['all'],
      subresources: [{ subresource: 'status', responseKind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get', 'patch', 'update'] }],
    });
  });

  it('GET /apis: the apps group with daemonsets', () => {
    const list = aggregatedDiscovery('apis');
    expect(list.items.map((i) => i.metadata)).toEqual([{ name: 'apps', creationTimestamp: null }]);
    expect(list.items[0].versions[0].resources).toEqual([{
      resource: 'daemonsets', responseKind: { group: 'apps', version: 'v1', kind: 'DaemonSet' }, scope: 'Namespaced', singularResource: 'daemonset',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ds'], categories: ['all'],
      subresources: [{ subresource: 'status', responseKind: { group: 'apps', version: 'v1', kind: 'DaemonSet' }, verbs: ['get', 'patch', 'update'] }],
    }]);
  });
});

describe('resources and version', () => {
  it('finds a resource by plural, singular or short name', () => {
    expect(findResource('apps/v1', 'ds')?.kind).toBe('DaemonSet');
    expect(findResource('v1', 'Pod')?.resource).toBe('pods');
    expect(findResource('v1', 'daemonsets')).toBeUndefined();
  });

  it('says 1.32 so the kubectl dispatcher runs its 1.32 kubectl', () => {
    expect(VERSION_INFO).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.0' });
  });
});
