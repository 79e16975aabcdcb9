// Creating and deleting namespaces: commands to the DaemonSet spec service, which owns them.
import { Injectable } from '@nestjs/common';
import { badRequest, COMMANDS } from '@everynode/contracts';
import type { NamespaceRecord } from '@everynode/contracts';
import type { Caller } from '../commands/command-bus.service';
import { CommandBus } from '../commands/command-bus.service';
import { shown } from '../http/kube-errors';
import { mediaType, parseObjectBody } from '../http/raw-body';
import { ACCEPTED_BODY_TYPES, decodeNamespaceProtobuf, PROTOBUF_CONTENT_TYPE, unsupportedMediaType } from '../kube';
import { ClusterView } from '../read-model/cluster-view.service';
import { type NamespaceObject, presentNamespace } from './namespace.presenter';

/** The name and labels of a Namespace body: protobuf (`kubectl create namespace`), JSON or YAML. */
export function namespaceFromBody(body: Buffer, contentType: string | undefined): { name: string; labels?: Record<string, string> } {
  const type = mediaType(contentType);
  let metadata: { name?: unknown; labels?: unknown; generateName?: unknown };
  if (type === PROTOBUF_CONTENT_TYPE) {
    const decoded = decodeNamespaceProtobuf(body);
    if (decoded.kind && decoded.kind !== 'Namespace') throw badRequest(`the body is a ${decoded.kind}, not a Namespace`);
    metadata = decoded.metadata;
  } else if (ACCEPTED_BODY_TYPES.includes(type)) {
    const object = parseObjectBody(body, contentType);
    if (object.kind !== undefined && object.kind !== 'Namespace') throw badRequest(`the body is a ${shown(object.kind)}, not a Namespace`);
    metadata = (object.metadata ?? {}) as typeof metadata;
  } else throw unsupportedMediaType();
  if (typeof metadata.name !== 'string' || !metadata.name) {
    throw badRequest('Namespace "" is invalid: metadata.name: Required value: name or generateName is required');
  }
  const labels = metadata.labels && typeof metadata.labels === 'object' ? (metadata.labels as Record<string, string>) : undefined;
  return { name: metadata.name, ...(labels ? { labels } : {}) };
}

@Injectable()
export class NamespaceWrites {
  constructor(
    private readonly bus: CommandBus,
    private readonly view: ClusterView,
  ) {}

  async create(body: Buffer, contentType: string | undefined, caller: Caller): Promise<NamespaceObject> {
    const { name, labels } = namespaceFromBody(body, contentType);
    const created = await this.bus.send<NamespaceRecord>(COMMANDS.namespaceCreate, { name, labels }, caller);
    return presentNamespace(this.view.namespace(name) ?? created);
  }

  /** Answers with the namespace in phase Terminating, as upstream does; kubectl then waits for the 404. */
  async delete(name: string, caller: Caller): Promise<NamespaceObject> {
    const deleted = await this.bus.send<NamespaceRecord>(COMMANDS.namespaceDelete, { name }, caller);
    return presentNamespace({ ...deleted, phase: 'Terminating' });
  }
}
