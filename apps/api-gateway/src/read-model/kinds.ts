// The four kinds the API serves, with the names each is known by on the wire.
import type { Resource } from '@everynode/read-models';
import type { TableKind } from '../kube';

export interface KindInfo {
  resource: Resource;
  kind: TableKind;
  group: '' | 'apps';
  apiVersion: 'v1' | 'apps/v1';
  listKind: string;
  namespaced: boolean;
  /** As messages name it: `pods`, `daemonsets.apps`. */
  qualified: string;
}

export const KINDS: Record<Resource, KindInfo> = {
  namespaces: { resource: 'namespaces', kind: 'Namespace', group: '', apiVersion: 'v1', listKind: 'NamespaceList', namespaced: false, qualified: 'namespaces' },
  nodes: { resource: 'nodes', kind: 'Node', group: '', apiVersion: 'v1', listKind: 'NodeList', namespaced: false, qualified: 'nodes' },
  pods: { resource: 'pods', kind: 'Pod', group: '', apiVersion: 'v1', listKind: 'PodList', namespaced: true, qualified: 'pods' },
  daemonsets: {
    resource: 'daemonsets', kind: 'DaemonSet', group: 'apps', apiVersion: 'apps/v1', listKind: 'DaemonSetList', namespaced: true, qualified: 'daemonsets.apps',
  },
};

/** Any object the API returns: always with apiVersion and kind (kubectl refuses objects without). */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; labels?: Record<string, string>; resourceVersion?: string; [k: string]: unknown };
};
