// The pure building blocks of the Kubernetes-compatible API: patches, printing, selectors, discovery.
export { applyStrategicMergePatch, K8S_MERGE_KEYS, type FieldPatchMeta, type PatchSchema } from './strategic-merge-patch';
export { applyMergePatch } from './json-merge-patch';
export { serverSideApply, type ManagedFieldsEntry, type ServerSideApplyOptions } from './server-side-apply';
export {
  toTable, partialObjectMetadata,
  type IncludeObject, type PartialObjectMetadata, type Table, type TableKind, type TableOptions, type TableRow, type TableRowInput,
} from './table';
export {
  daemonSetCells, podCells, podRowConditions, nodeCells, nodeRoles, namespaceCells,
  DAEMONSET_COLUMNS, POD_COLUMNS, NODE_COLUMNS, NAMESPACE_COLUMNS,
  type DaemonSetObject, type PodObject, type NodeObject, type NamespaceObject, type TableCell, type TableColumnDefinition, type TableRowCondition,
} from './printers';
export { humanDuration, ageOf } from './human-duration';
export {
  decodeNamespaceProtobuf, PROTOBUF_CONTENT_TYPE, PROTOBUF_MAGIC, type DecodedNamespace, type DecodedObjectMeta,
} from './protobuf-envelope';
export {
  parseLabelSelector, matchesLabels, labelSelectorToString, selectorFromLabelSelector, formatLabelSelector, formatLabels,
  parseFieldSelector, matchesFields, selectableFields, SELECTABLE_FIELDS,
  type FieldRequirement, type LabelOperator, type LabelSelectorMatcher, type Requirement, type SelectableKind,
} from './selectors';
export { watchEventLine, bookmark, type WatchEvent, type WatchEventType } from './watch-event';
export {
  alreadyExists, badRequest, conflict, failure, internalError, isKubeStatus, KubeStatusError, notFound, serviceUnavailable, statusThrownBy,
  unauthorized, forbidden, methodNotAllowed, unsupportedMediaType, strictDecoding, ACCEPTED_BODY_TYPES, PATCH_TYPES,
  type NonResourceAttributes, type ResourceAttributes,
} from './status';
export {
  apiVersions, apiGroupList, apiResourceList, aggregatedDiscovery, wantsAggregatedDiscovery, AGGREGATED_DISCOVERY_CONTENT_TYPE,
} from './discovery';
export { openApiV3Index, openApiV3Document } from './openapi';
export { VERSION_INFO } from './version';
export { KUBE_RESOURCES, findResource, groupVersionOf, type KubeResource } from './resources';
export { parseAccept, accepts, wantsTable, type MediaRange } from './accept';
