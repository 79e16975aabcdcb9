// core/v1 Node as clients see it, from the folded node record (labels, taints, cordon, readiness).
import type { NodeRecord, Taint } from '@everynode/contracts';
import { kubeTime } from '../read-model/kube-time';

export interface NodeObject {
  apiVersion: 'v1';
  kind: 'Node';
  metadata: { name: string; uid: string; resourceVersion: string; creationTimestamp?: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: { podCIDR?: string; podCIDRs?: string[]; taints?: Taint[]; unschedulable?: boolean };
  status: Record<string, unknown>;
}

const READY_MESSAGES: Record<NodeRecord['ready'], string> = {
  True: 'kubelet is posting ready status',
  False: 'kubelet is not ready',
  Unknown: 'Kubelet stopped posting node status.',
};

export function presentNode(node: NodeRecord): NodeObject {
  const since = kubeTime(node.createdAt);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      uid: node.uid,
      resourceVersion: node.resourceVersion,
      creationTimestamp: since,
      labels: node.labels,
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: {
      ...(node.podCIDR ? { podCIDR: node.podCIDR, podCIDRs: [node.podCIDR] } : {}),
      ...(node.taints.length ? { taints: node.taints } : {}),
      ...(node.unschedulable ? { unschedulable: true } : {}),
    },
    status: {
      capacity: node.capacity,
      allocatable: node.capacity,
      conditions: [
        {
          type: 'Ready',
          status: node.ready,
          reason: node.readyReason,
          message: READY_MESSAGES[node.ready] ?? node.readyReason,
          lastHeartbeatTime: since,
          lastTransitionTime: since,
        },
      ],
      addresses: node.addresses,
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: '',
        systemUUID: '',
        bootID: '',
        kernelVersion: node.nodeInfo.kernelVersion ?? '',
        osImage: node.nodeInfo.osImage ?? '',
        containerRuntimeVersion: node.nodeInfo.containerRuntimeVersion ?? '',
        kubeletVersion: node.nodeInfo.kubeletVersion ?? '',
        kubeProxyVersion: '',
        operatingSystem: node.nodeInfo.operatingSystem ?? 'linux',
        architecture: node.nodeInfo.architecture ?? 'amd64',
      },
    },
  };
}

/** The node's InternalIP, which its pods report as hostIP. */
/** Tolerant of what an older gateway let into the log (a null address). */
export const internalIp = (node: NodeRecord | undefined) => node?.addresses?.find((a) => a?.type === 'InternalIP')?.address;
