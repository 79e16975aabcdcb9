// core/v1 Namespace as clients see it, from the folded namespace record.
import type { NamespaceRecord } from '@everynode/contracts';
import { kubeTime } from '../read-model/kube-time';

export interface NamespaceObject {
  apiVersion: 'v1';
  kind: 'Namespace';
  metadata: { name: string; uid: string; resourceVersion: string; creationTimestamp?: string; labels: Record<string, string> };
  spec: { finalizers: string[] };
  status: { phase: string };
}

export function presentNamespace(ns: NamespaceRecord): NamespaceObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: ns.name, uid: ns.uid, resourceVersion: ns.resourceVersion, creationTimestamp: kubeTime(ns.createdAt), labels: ns.labels },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: ns.phase },
  };
}
