// core/v1 Pod as clients see it: the DaemonSet's template (the revision the pod was created from)
// plus what the DaemonSet controller adds (labels, owner, node, tolerations) and the status its
// node reported.
import type { Container, NodeRecord, PodTemplateSpec, Toleration } from '@everynode/contracts';
import { internalIp } from '../nodes/node.presenter';
import type { PodSnapshot } from '../read-model/cluster-view.service';
import { kubeTime } from '../read-model/kube-time';

export interface PodObject {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: Record<string, unknown> & { name: string; namespace: string; resourceVersion: string; labels: Record<string, string> };
  spec: Record<string, unknown> & { nodeName: string; containers: Container[] };
  status: Record<string, unknown>;
}

/** The tolerations the DaemonSet controller gives every daemon pod (AddOrUpdateDaemonPodTolerations). */
export function daemonTolerations(hostNetwork: boolean): Toleration[] {
  const t = (key: string, effect: 'NoSchedule' | 'NoExecute'): Toleration => ({ key: `node.kubernetes.io/${key}`, operator: 'Exists', effect });
  return [
    t('not-ready', 'NoExecute'),
    t('unreachable', 'NoExecute'),
    t('disk-pressure', 'NoSchedule'),
    t('memory-pressure', 'NoSchedule'),
    t('pid-pressure', 'NoSchedule'),
    t('unschedulable', 'NoSchedule'),
    ...(hostNetwork ? [t('network-unavailable', 'NoSchedule')] : []),
  ];
}

const sameToleration = (a: Toleration, b: Toleration) => a.key === b.key && a.effect === b.effect && (a.operator ?? 'Equal') === (b.operator ?? 'Equal');

function withDaemonTolerations(own: Toleration[] | undefined, hostNetwork: boolean): Toleration[] {
  const out = [...(own ?? [])];
  for (const t of daemonTolerations(hostNetwork)) if (!out.some((o) => sameToleration(o, t))) out.push(t);
  return out;
}

type Quantities = Record<string, string | number> | undefined;

/** GetPodQOS, for cpu and memory: Guaranteed when every limit equals its request, BestEffort when nothing is set. */
export function qosClass(containers: Container[]): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const relevant = (q: Quantities) => Object.entries(q ?? {}).filter(([k]) => k === 'cpu' || k === 'memory');
  if (containers.every((c) => !relevant(c.resources?.requests).length && !relevant(c.resources?.limits).length)) return 'BestEffort';
  const guaranteed = containers.every((c) => {
    const limits = Object.fromEntries(relevant(c.resources?.limits));
    const requests = Object.fromEntries(relevant(c.resources?.requests));
    return ['cpu', 'memory'].every((k) => limits[k] !== undefined && String(requests[k] ?? limits[k]) === String(limits[k]));
  });
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function containerState(phase: string, since: string | undefined) {
  switch (phase) {
    case 'Running':
      return { running: { startedAt: since } };
    case 'Succeeded':
      return { terminated: { exitCode: 0, reason: 'Completed', finishedAt: since } };
    case 'Failed':
      return { terminated: { exitCode: 1, reason: 'Error', finishedAt: since } };
    default:
      return { waiting: { reason: 'ContainerCreating' } };
  }
}

export function presentPod({ pod, owner, template }: PodSnapshot, node: NodeRecord | undefined): PodObject {
  const tpl: PodTemplateSpec = template ?? { spec: { containers: [] } };
  const created = kubeTime(pod.createdAt);
  const containers = tpl.spec.containers ?? [];
  const ready = pod.ready ? 'True' : 'False';
  const notReady = pod.ready ? {} : { reason: 'ContainersNotReady', message: `containers with unready status: [${containers.map((c) => c.name).join(' ')}]` };
  const started = pod.phase !== 'Pending';
  const hostIP = internalIp(node);
  const labels = {
    ...(tpl.metadata?.labels ?? {}),
    'controller-revision-hash': pod.templateHash,
    'pod-template-generation': String(pod.generation),
  };
  const metadata: PodObject['metadata'] = {
    name: pod.name,
    ...(owner ? { generateName: `${owner.name}-` } : {}),
    namespace: pod.namespace,
    uid: pod.uid,
    resourceVersion: pod.resourceVersion,
    creationTimestamp: created,
    labels,
    ...(tpl.metadata?.annotations ? { annotations: tpl.metadata.annotations } : {}),
    ...(owner && pod.daemonSet
      ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: true }] }
      : {}),
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec: {
      ...tpl.spec,
      containers,
      nodeName: pod.node,
      tolerations: withDaemonTolerations(tpl.spec.tolerations, tpl.spec.hostNetwork === true),
    },
    status: {
      phase: pod.phase,
      conditions: [
        { type: 'PodReadyToStartContainers', status: started ? 'True' : 'False', lastTransitionTime: created },
        { type: 'Initialized', status: 'True', lastTransitionTime: created },
        { type: 'Ready', status: ready, lastTransitionTime: created, ...notReady },
        { type: 'ContainersReady', status: ready, lastTransitionTime: created, ...notReady },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: created },
      ],
      ...(hostIP ? { hostIP, hostIPs: [{ ip: hostIP }] } : {}),
      ...(pod.podIP ? { podIP: pod.podIP, podIPs: [{ ip: pod.podIP }] } : {}),
      ...(started ? { startTime: created } : {}),
      containerStatuses: containers.map((c, i) => ({
        name: c.name,
        image: c.image ?? '',
        imageID: '',
        ready: pod.ready,
        restartCount: i === 0 ? pod.restarts : 0,
        started: pod.phase === 'Running',
        state: containerState(pod.phase, created),
      })),
      qosClass: qosClass(containers),
    },
  };
}
