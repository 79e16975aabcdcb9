// Namespaces: the spec service owns them because every DaemonSet lives in one (Kubernetes refuses objects
// in a namespace that does not exist). Pure decisions and fold, like the DaemonSet decider.
import { alreadyExists, badRequest, notFound } from '@everynode/contracts';
import type { CreateNamespaceCommand, EventMetadata, NamespaceCreated, NamespaceDeleted, NewEvent } from '@everynode/contracts';
import type { NamespaceState } from '@everynode/read-models';
import { FieldErrors } from '../domain/field-errors';
import { isDns1123Label } from '../domain/k8s-names';
import { invalid } from '../domain/kube-status';
import { validateLabels } from '../domain/meta.validator';

/** Namespaces every cluster has; created by the spec service at start. */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** ValidateNamespace, needing no stored state: run before the store is read, so no invalid name reaches a query. */
export function checkNamespace(cmd: Pick<CreateNamespaceCommand, 'name' | 'labels'>): void {
  const name = cmd.name;
  if (typeof name !== 'string') throw badRequest(`json: cannot unmarshal ${typeof name} into Go struct field ObjectMeta.metadata.name of type string`);
  const labels = cmd.labels ?? {};
  const jsonKind = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  if (typeof labels !== 'object' || Array.isArray(labels)) {
    throw badRequest(`json: cannot unmarshal ${jsonKind(labels)} into Go struct field ObjectMeta.metadata.labels of type map[string]string`);
  }
  const notText = Object.values(labels).find((v) => typeof v !== 'string');
  if (notText !== undefined) throw badRequest(`json: cannot unmarshal ${jsonKind(notText)} into Go struct field ObjectMeta.metadata.labels of type string`);
  // The name is a DNS label (63 characters at most), the labels label-shaped.
  const fe = new FieldErrors();
  if (!name) fe.required('metadata.name', 'name or generateName is required');
  else fe.invalidEach('metadata.name', name, isDns1123Label(name));
  validateLabels(labels, 'metadata.labels', fe);
  if (fe.causes.length) throw invalid('Namespace', name, '', fe.causes);
}

export function decideCreateNamespace(
  state: NamespaceState,
  cmd: Pick<CreateNamespaceCommand, 'name' | 'labels'>,
  metadata: EventMetadata,
  newId: () => string,
): NewEvent<'NamespaceCreated', NamespaceCreated>[] {
  checkNamespace(cmd);
  const name = cmd.name;
  if (state.record) throw alreadyExists('namespaces', name);
  const data: NamespaceCreated = { name, uid: newId(), labels: { 'kubernetes.io/metadata.name': name, ...(cmd.labels ?? {}) } };
  return [{ eventId: newId(), type: 'NamespaceCreated', data, metadata }];
}

export function decideDeleteNamespace(state: NamespaceState, name: string, metadata: EventMetadata, newId: () => string): NewEvent<'NamespaceDeleted', NamespaceDeleted>[] {
  if (!state.record) throw notFound('namespaces', name);
  if (SYSTEM_NAMESPACES.includes(name)) throw badRequest(`namespace "${name}" is a system namespace and cannot be deleted`);
  return [{ eventId: newId(), type: 'NamespaceDeleted', data: { name, uid: state.record.uid }, metadata }];
}
