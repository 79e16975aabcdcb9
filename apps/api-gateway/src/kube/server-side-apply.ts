// A pragmatic server-side apply (`kubectl apply --server-side`, `application/apply-patch+yaml`): the
// applied configuration merges onto the live object with the strategic-merge list keys. Field
// ownership is not tracked, so there are no conflicts and fields another apply set are kept.
import { cloneJson, isJsonObject, type JsonObject } from './json';
import { applyStrategicMergePatch, K8S_MERGE_KEYS, type PatchSchema } from './strategic-merge-patch';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  [key: string]: unknown;
}

export interface ServerSideApplyOptions {
  /** When the apply happens (recorded in managedFields); defaults to the current time. */
  now?: Date;
  schema?: PatchSchema;
}

/** Kubernetes timestamps have second precision: `2025-01-01T00:00:00Z`. */
const rfc3339 = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The object after applying `applied` by `fieldManager`; `live` undefined means the object is created. Inputs are not modified. */
export function serverSideApply(live: object | undefined, applied: object, fieldManager: string, options: ServerSideApplyOptions = {}): object {
  const config = cloneJson(applied) as JsonObject;
  // managedFields belong to the server; an applied copy of them is ignored, as upstream does.
  if (isJsonObject(config.metadata)) delete config.metadata.managedFields;
  const result = applyStrategicMergePatch(live ?? {}, config, options.schema ?? K8S_MERGE_KEYS) as JsonObject;

  const metadata = isJsonObject(result.metadata) ? result.metadata : (result.metadata = {});
  const previous = Array.isArray(metadata.managedFields) ? metadata.managedFields : [];
  const entry: ManagedFieldsEntry = {
    manager: fieldManager,
    operation: 'Apply',
    apiVersion: typeof config.apiVersion === 'string' ? config.apiVersion : '',
    time: rfc3339(options.now ?? new Date()),
    fieldsType: 'FieldsV1',
  };
  metadata.managedFields = [
    ...previous.filter((field) => !(isJsonObject(field) && field.manager === fieldManager && field.operation === 'Apply')),
    entry as unknown as JsonObject,
  ];
  return result;
}
