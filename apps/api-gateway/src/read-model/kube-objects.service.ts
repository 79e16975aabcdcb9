// The read model's records presented as Kubernetes objects, per kind: what GET, LIST and WATCH return.
import { Injectable } from '@nestjs/common';
import { notFound } from '@everynode/contracts';
import { presentNamespace } from '../namespaces/namespace.presenter';
import { presentNode } from '../nodes/node.presenter';
import { presentPod } from '../pods/pod.presenter';
import { type ChangeEntry, ClusterView, type PodSnapshot } from './cluster-view.service';
import type { KindInfo, KubeObject } from './kinds';

/** The order of every list (and so of its pages): etcd's, by namespace then name, byte-wise (see `compareKeys`). */
export const byNamespaceAndName = (a: KubeObject, b: KubeObject) =>
  compareText(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || compareText(a.metadata.name ?? '', b.metadata.name ?? '');

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

@Injectable()
export class KubeObjects {
  constructor(private readonly view: ClusterView) {}

  /** Every object of the kind (in `namespace` when given), in name order like the API server's. */
  list(kind: KindInfo, namespace?: string): KubeObject[] {
    let objects: KubeObject[];
    switch (kind.resource) {
      case 'namespaces':
        objects = this.view.namespaces().map(presentNamespace) as KubeObject[];
        break;
      case 'nodes':
        objects = this.view.nodes().map(presentNode) as KubeObject[];
        break;
      case 'daemonsets':
        objects = this.view.daemonSets(namespace) as unknown as KubeObject[];
        break;
      case 'pods':
        objects = this.view.pods(namespace).map((p) => this.pod(p));
        break;
    }
    return objects.sort(byNamespaceAndName);
  }

  get(kind: KindInfo, namespace: string | undefined, name: string): KubeObject | undefined {
    switch (kind.resource) {
      case 'namespaces': {
        const ns = this.view.namespace(name);
        return ns && (presentNamespace(ns) as KubeObject);
      }
      case 'nodes': {
        const node = this.view.node(name);
        return node && (presentNode(node) as KubeObject);
      }
      case 'daemonsets':
        return this.view.daemonSet(namespace!, name) as unknown as KubeObject | undefined;
      case 'pods': {
        const pod = this.view.pod(namespace!, name);
        return pod && this.pod(pod);
      }
    }
  }

  /** The object, or the API server's 404 (`daemonsets.apps "x" not found`). */
  require(kind: KindInfo, namespace: string | undefined, name: string): KubeObject {
    const object = this.get(kind, namespace, name);
    if (!object) throw notFound(kind.qualified, name);
    return object;
  }

  /** The object a change carried, as it was at that change. */
  fromEntry(entry: ChangeEntry): KubeObject {
    switch (entry.resource) {
      case 'namespaces':
        return presentNamespace(entry.record) as KubeObject;
      case 'nodes':
        return presentNode(entry.record) as KubeObject;
      case 'daemonsets':
        return entry.record as unknown as KubeObject;
      case 'pods':
        return this.pod(entry.record);
    }
  }

  private pod(snapshot: PodSnapshot): KubeObject {
    return presentPod(snapshot, this.view.node(snapshot.pod.node)) as unknown as KubeObject;
  }
}
