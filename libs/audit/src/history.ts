// One object's timeline, each step with its chain of causes back to the request or node event that started it:
// "removed: node k8s-node02 left (event 1234) ← DELETE /api/v1/nodes/k8s-node02 by admin".
import type { RecordedEvent } from '@everynode/contracts';
import { daemonSetStream, nodeStream, podEventsOf, podStream } from '@everynode/contracts';
import type { EventStore } from '@everynode/event-store';

export interface Cause {
  position: number | null;
  description: string;
}

export interface HistoryStep {
  event: RecordedEvent;
  summary: string;
  causes: Cause[];
}

/** `pod/<ns>/<name>`, `node/<name>`, `ds/<ns>/<name>` (also `daemonset/…`). */
export function streamOf(ref: string): string {
  const [kind, ...rest] = ref.split('/');
  if ((kind === 'pod' || kind === 'pods' || kind === 'po') && rest.length === 2) return podStream(rest[0], rest[1]);
  if ((kind === 'node' || kind === 'nodes' || kind === 'no') && rest.length === 1) return nodeStream(rest[0]);
  if ((kind === 'ds' || kind === 'daemonset' || kind === 'daemonsets') && rest.length === 2) return daemonSetStream(rest[0], rest[1]);
  throw new Error(`"${ref}" is not an object reference: use pod/<namespace>/<name>, node/<name> or ds/<namespace>/<name>`);
}

/** A one-line account of what an event says. */
export function describeEvent(e: RecordedEvent): string {
  const d = e.data as Record<string, unknown>;
  switch (e.type) {
    case 'NodeJoined':
      return `node ${d.name} joined`;
    case 'NodeUpdated':
      return `node ${d.name} updated (labels ${Object.entries(d.labels as object).map(([k, v]) => `${k}=${v}`).join(',') || 'none'}${d.unschedulable ? ', cordoned' : ''})`;
    case 'NodeReadinessChanged':
      return `node ${d.name} Ready=${d.status} (${d.reason})`;
    case 'NodeLeft':
      return `node ${d.name} left (${d.reason})`;
    case 'DaemonSetCreated':
      return `daemonset ${d.namespace}/${d.name} created (generation ${d.generation}, template ${d.templateHash})`;
    case 'DaemonSetUpdated':
      return `daemonset ${d.namespace}/${d.name} updated (generation ${d.generation}, template ${d.templateHash})`;
    case 'DaemonSetDeleted':
      return `daemonset ${d.namespace}/${d.name} deleted (${d.propagationPolicy})`;
    case 'PodScheduled':
      return `pod ${d.namespace}/${d.pod} placed on ${d.node}`;
    case 'PodStatusChanged':
      return `pod ${d.namespace}/${d.pod} ${d.phase}${d.ready ? ', ready' : ''}${d.podIP ? ` (${d.podIP})` : ''}`;
    case 'PodRemoved':
      return `pod ${d.namespace}/${d.pod} removed from ${d.node} (${d.reason})`;
    case 'PodOrphaned':
      return `pod ${d.namespace}/${d.pod} orphaned`;
    case 'PodsScheduled':
    case 'PodStatusesChanged':
    case 'PodsRemoved':
      return describeBatch(e);
    case 'NamespaceCreated':
      return `namespace ${d.name} created`;
    case 'NamespaceDeleted':
      return `namespace ${d.name} deleted`;
    default:
      return e.type;
  }
}

/** A batch as its one member, or as a count and its first members. */
function describeBatch(e: RecordedEvent): string {
  const members = podEventsOf(e);
  if (members.length === 1) return describeEvent(members[0]);
  const shown = members.slice(0, 3).map((m) => describeEvent(m).replace(/^pod /, ''));
  const what = e.type === 'PodsScheduled' ? 'pods placed' : e.type === 'PodsRemoved' ? 'pods removed' : 'pod status changes';
  return `${members.length} ${what}: ${shown.join('; ')}${members.length > 3 ? '; …' : ''}`;
}

/** Follows causation ids until they leave the log (a request) or loop; at most `depth` steps. */
export async function causeChain(store: EventStore, event: RecordedEvent, depth = 20): Promise<Cause[]> {
  const chain: Cause[] = [];
  const seen = new Set<string>([event.eventId]);
  let current = event;
  for (let i = 0; i < depth; i++) {
    const id = current.metadata.causationId;
    if (!id) break;
    const cause = seen.has(id) ? null : await store.findByEventId(id).catch(() => null); // a request id is no event
    if (!cause) {
      const request = current.metadata.request ? `${current.metadata.request} ` : 'request ';
      chain.push({ position: null, description: `${request}by ${current.metadata.actor} (request ${id})` });
      break;
    }
    seen.add(id);
    chain.push({ position: cause.position, description: `${describeEvent(cause)} (event ${cause.position})` });
    current = cause;
  }
  return chain;
}

export async function history(store: EventStore, ref: string): Promise<HistoryStep[]> {
  const stream = streamOf(ref);
  const events = await (stream.startsWith('pod-') ? store.readPodStream(stream) : store.readStream(stream));
  const steps: HistoryStep[] = [];
  for (const event of events) steps.push({ event, summary: describeEvent(event), causes: await causeChain(store, event) });
  return steps;
}

/** "removed: node k8s-node02 left (event 1234) ← DELETE /api/v1/nodes/k8s-node02 by admin" */
export const formatStep = (step: HistoryStep) =>
  [`${step.event.recordedAt}  #${step.event.position}  ${step.summary}`, ...step.causes.map((c) => `    ← ${c.description}`)].join('\n');
