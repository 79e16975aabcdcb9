// Patch metadata (`patchStrategy`, `patchMergeKey` struct tags of k8s.io/api) for the objects everynode
// serves, keyed by field path. List elements add no path segment: `spec.template.spec.containers.env`
// is the env list of any container of a DaemonSet's pod template.
// A list that is not in the table is atomic (replaced whole); a map not marked `replace` merges.

export interface FieldPatchMeta {
  readonly strategy: 'merge' | 'replace';
  /** For lists of objects merged element by element; absent for merged lists of scalars (finalizers). */
  readonly mergeKey?: string;
}

export type PatchSchema = Readonly<Record<string, FieldPatchMeta>>;

const merge = (mergeKey?: string): FieldPatchMeta => (mergeKey ? { strategy: 'merge', mergeKey } : { strategy: 'merge' });

const OBJECT_META = { finalizers: merge(), ownerReferences: merge('uid') };

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'];
const CONTAINER = { ports: merge('containerPort'), env: merge('name'), volumeMounts: merge('mountPath'), volumeDevices: merge('devicePath') };

const POD_SPEC = {
  containers: merge('name'),
  initContainers: merge('name'),
  ephemeralContainers: merge('name'),
  volumes: merge('name'),
  imagePullSecrets: merge('name'),
  hostAliases: merge('ip'),
  topologySpreadConstraints: merge('topologyKey'),
  resourceClaims: merge('name'),
  schedulingGates: merge('name'),
};

const under = (prefix: string, fields: Record<string, FieldPatchMeta>) =>
  Object.fromEntries(Object.entries(fields).map(([field, meta]) => [`${prefix}.${field}`, meta]));

const podSpecAt = (prefix: string) => ({
  ...under(prefix, POD_SPEC),
  ...Object.assign({}, ...CONTAINER_LISTS.map((list) => under(`${prefix}.${list}`, CONTAINER))),
});

export const K8S_MERGE_KEYS: PatchSchema = Object.freeze({
  ...under('metadata', OBJECT_META),
  // DaemonSet
  ...under('spec.template.metadata', OBJECT_META),
  ...podSpecAt('spec.template.spec'),
  // Pod
  ...podSpecAt('spec'),
  'status.podIPs': merge('ip'),
  'status.hostIPs': merge('ip'),
  // Pod, Node and DaemonSet conditions
  'status.conditions': merge('type'),
  // Node
  'spec.podCIDRs': merge(),
  'status.addresses': merge('type'),
});
