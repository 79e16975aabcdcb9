// Namespaces: the spec service owns them because every DaemonSet lives in one (Kubernetes refuses objects
// in a namespace that does not exist). Pure decisions and fold, like the DaemonSet decider.
import { alreadyExists, badRequest, notFound } from '@everynode/contracts';
import type { CreateNamespaceCommand, EventMetadata, NamespaceCreated, NamespaceDeleted, NewEvent } from '@everynode/contracts';
import type { NamespaceState } from '@everynode/read-models';


/** Namespaces every cluster has; created by the spec service at start. */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function decideCreateNamespace(
  state: NamespaceState,
  cmd: Pick<CreateNamespaceCommand, 'name' | 'labels'>,
  metadata: EventMetadata,
  newId: () => string,
): NewEvent<'NamespaceCreated', NamespaceCreated>[] {
  const name = cmd.name;
  if (typeof name !== 'string' || name.length > 63 || !DNS1123_LABEL.test(name)) {
    throw badRequest(
      `Namespace "${name}" is invalid: metadata.name: Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`,
    );
  }
  if (state.record) throw alreadyExists('namespaces', name);
  const data: NamespaceCreated = { name, uid: newId(), labels: { 'kubernetes.io/metadata.name': name, ...(cmd.labels ?? {}) } };
  return [{ eventId: newId(), type: 'NamespaceCreated', data, metadata }];
}

export function decideDeleteNamespace(state: NamespaceState, name: string, metadata: EventMetadata, newId: () => string): NewEvent<'NamespaceDeleted', NamespaceDeleted>[] {
  if (!state.record) throw notFound('namespaces', name);
  if (SYSTEM_NAMESPACES.includes(name)) throw badRequest(`namespace "${name}" is a system namespace and cannot be deleted`);
  return [{ eventId: newId(), type: 'NamespaceDeleted', data: { name, uid: state.record.uid }, metadata }];
}
