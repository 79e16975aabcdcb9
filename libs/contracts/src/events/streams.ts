// Stream names (the unit of optimistic concurrency) and NATS subjects.
import type { EventType } from './catalog';

export const nodeStream = (name: string) => `node-${name}`;
export const daemonSetStream = (namespace: string, name: string) => `daemonset-${namespace}.${name}`;
export const namespaceStream = (name: string) => `namespace-${name}`;
export const podStream = (namespace: string, name: string) => `pod-${namespace}.${name}`;
/** A batch of pod events (PodsScheduled, PodStatusesChanged, PodsRemoved) is a stream of its own, named by its event id. */
export const podBatchStream = (eventId: string) => `podbatch-${eventId}`;

/** The category is the stream name before its first '-': namespace, node, daemonset or pod. */
export const streamCategory = (stream: string) => stream.slice(0, stream.indexOf('-'));

const CATEGORY_OF: Record<EventType, string> = {
  NamespaceCreated: 'namespace', NamespaceDeleted: 'namespace',
  NodeJoined: 'node', NodeUpdated: 'node', NodeReadinessChanged: 'node', NodeLeft: 'node',
  DaemonSetCreated: 'daemonset', DaemonSetUpdated: 'daemonset', DaemonSetDeleted: 'daemonset',
  PodScheduled: 'pod', PodStatusChanged: 'pod', PodRemoved: 'pod', PodOrphaned: 'pod',
  PodsScheduled: 'pod', PodStatusesChanged: 'pod', PodsRemoved: 'pod',
};

/**
 * Every subject starts with a prefix (default `everynode`), so that tests and several stacks can
 * share one NATS server without seeing each other's messages.
 *  - events:   `<prefix>.events.<category>.<Type>`  (JetStream, stream `<PREFIX>_EVENTS`)
 *  - commands: `<prefix>.cmd.<pattern>`             (core NATS request/reply)
 *  - dead letters: `<prefix>.dlq.<durable>`         (JetStream, stream `<PREFIX>_DLQ`)
 */
export const subjects = (prefix: string) => ({
  eventsWildcard: `${prefix}.events.>`,
  event: (type: string) => `${prefix}.events.${CATEGORY_OF[type as EventType] ?? 'other'}.${type}`,
  command: (pattern: string) => `${prefix}.cmd.${pattern}`,
  deadLetter: (durable: string) => `${prefix}.dlq.${durable}`,
  deadLetterWildcard: `${prefix}.dlq.>`,
  eventsStream: `${prefix.replace(/[^A-Za-z0-9_-]/g, '_').toUpperCase()}_EVENTS`,
  deadLetterStream: `${prefix.replace(/[^A-Za-z0-9_-]/g, '_').toUpperCase()}_DLQ`,
});

/** The event type an events subject names (its last token, see `subjects().event`). */
export const eventTypeOf = (subject: string) => subject.slice(subject.lastIndexOf('.') + 1);
