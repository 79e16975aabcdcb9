// The apps/v1 DaemonSet fields the strict decoder knows, with the Go types upstream decodes them into
// (the type names appear in its error messages). Rarely used subtrees (other volume sources, pod
// affinity, managedFields…) are `open`: their shape is checked, their contents are not, so a valid
// manifest is never refused for a field this table leaves out.

export type Scalar = 'string' | 'bool' | 'int32' | 'int64';

export type FieldSchema =
  | { kind: 'scalar'; type: Scalar }
  | { kind: 'quantity' }
  | { kind: 'intOrString' }
  | { kind: 'time' }
  | { kind: 'struct'; go: string; fields: Record<string, FieldSchema> | null }
  | { kind: 'slice'; of: FieldSchema }
  | { kind: 'map'; go?: string; of: FieldSchema };

const string: FieldSchema = { kind: 'scalar', type: 'string' };
const bool: FieldSchema = { kind: 'scalar', type: 'bool' };
const int32: FieldSchema = { kind: 'scalar', type: 'int32' };
const int64: FieldSchema = { kind: 'scalar', type: 'int64' };
const quantity: FieldSchema = { kind: 'quantity' };
const intOrString: FieldSchema = { kind: 'intOrString' };
const time: FieldSchema = { kind: 'time' };
const struct = (go: string, fields: Record<string, FieldSchema>): FieldSchema => ({ kind: 'struct', go, fields });
const open = (go: string): FieldSchema => ({ kind: 'struct', go, fields: null });
const slice = (of: FieldSchema): FieldSchema => ({ kind: 'slice', of });
const map = (of: FieldSchema, go?: string): FieldSchema => ({ kind: 'map', of, go });
const strings = slice(string);
const stringMap = map(string);

/** The Go type name printed in `json: cannot unmarshal X into Go struct field … of type <name>`. */
export function goTypeName(s: FieldSchema): string {
  switch (s.kind) {
    case 'scalar':
      return s.type;
    case 'quantity':
      return 'resource.Quantity';
    case 'intOrString':
      return 'intstr.IntOrString';
    case 'time':
      return 'v1.Time';
    case 'struct':
      return s.go;
    case 'slice':
      return `[]${goTypeName(s.of)}`;
    case 'map':
      return s.go ?? `map[string]${goTypeName(s.of)}`;
  }
}

const ownerReference = struct('v1.OwnerReference', {
  apiVersion: string, kind: string, name: string, uid: string, controller: bool, blockOwnerDeletion: bool,
});

const objectMeta = struct('v1.ObjectMeta', {
  name: string, generateName: string, namespace: string, selfLink: string, uid: string, resourceVersion: string,
  generation: int64, creationTimestamp: time, deletionTimestamp: time, deletionGracePeriodSeconds: int64,
  labels: stringMap, annotations: stringMap, ownerReferences: slice(ownerReference), finalizers: strings,
  managedFields: slice(open('v1.ManagedFieldsEntry')),
});

const labelSelector = struct('v1.LabelSelector', {
  matchLabels: stringMap,
  matchExpressions: slice(struct('v1.LabelSelectorRequirement', { key: string, operator: string, values: strings })),
});

const nodeSelectorRequirement = struct('v1.NodeSelectorRequirement', { key: string, operator: string, values: strings });
const nodeSelectorTerm = struct('v1.NodeSelectorTerm', {
  matchExpressions: slice(nodeSelectorRequirement),
  matchFields: slice(nodeSelectorRequirement),
});

const affinity = struct('v1.Affinity', {
  nodeAffinity: struct('v1.NodeAffinity', {
    requiredDuringSchedulingIgnoredDuringExecution: struct('v1.NodeSelector', { nodeSelectorTerms: slice(nodeSelectorTerm) }),
    preferredDuringSchedulingIgnoredDuringExecution: slice(
      struct('v1.PreferredSchedulingTerm', { weight: int32, preference: nodeSelectorTerm }),
    ),
  }),
  podAffinity: open('v1.PodAffinity'),
  podAntiAffinity: open('v1.PodAntiAffinity'),
});

const objectFieldSelector = struct('v1.ObjectFieldSelector', { apiVersion: string, fieldPath: string });
const resourceFieldSelector = struct('v1.ResourceFieldSelector', { containerName: string, resource: string, divisor: quantity });
const keySelector = (go: string) => struct(go, { name: string, key: string, optional: bool });
const envVar = struct('v1.EnvVar', {
  name: string,
  value: string,
  valueFrom: struct('v1.EnvVarSource', {
    fieldRef: objectFieldSelector,
    resourceFieldRef: resourceFieldSelector,
    configMapKeyRef: keySelector('v1.ConfigMapKeySelector'),
    secretKeyRef: keySelector('v1.SecretKeySelector'),
  }),
});
const envFromSource = struct('v1.EnvFromSource', {
  prefix: string,
  configMapRef: struct('v1.ConfigMapEnvSource', { name: string, optional: bool }),
  secretRef: struct('v1.SecretEnvSource', { name: string, optional: bool }),
});

const resourceList = map(quantity, 'v1.ResourceList');
const resourceRequirements = struct('v1.ResourceRequirements', {
  limits: resourceList,
  requests: resourceList,
  claims: slice(struct('v1.ResourceClaim', { name: string, request: string })),
});

const execAction = struct('v1.ExecAction', { command: strings });
const httpGetAction = struct('v1.HTTPGetAction', {
  path: string, port: intOrString, host: string, scheme: string,
  httpHeaders: slice(struct('v1.HTTPHeader', { name: string, value: string })),
});
const tcpSocketAction = struct('v1.TCPSocketAction', { port: intOrString, host: string });
const probe = struct('v1.Probe', {
  exec: execAction, httpGet: httpGetAction, tcpSocket: tcpSocketAction,
  grpc: struct('v1.GRPCAction', { port: int32, service: string }),
  initialDelaySeconds: int32, timeoutSeconds: int32, periodSeconds: int32, successThreshold: int32,
  failureThreshold: int32, terminationGracePeriodSeconds: int64,
});
const lifecycleHandler = struct('v1.LifecycleHandler', {
  exec: execAction, httpGet: httpGetAction, tcpSocket: tcpSocketAction,
  sleep: struct('v1.SleepAction', { seconds: int64 }),
});

const seLinuxOptions = struct('v1.SELinuxOptions', { user: string, role: string, type: string, level: string });
const windowsOptions = struct('v1.WindowsSecurityContextOptions', {
  gmsaCredentialSpecName: string, gmsaCredentialSpec: string, runAsUserName: string, hostProcess: bool,
});
const seccompProfile = struct('v1.SeccompProfile', { type: string, localhostProfile: string });
const appArmorProfile = struct('v1.AppArmorProfile', { type: string, localhostProfile: string });
const securityContext = struct('v1.SecurityContext', {
  capabilities: struct('v1.Capabilities', { add: strings, drop: strings }),
  privileged: bool, seLinuxOptions, windowsOptions, runAsUser: int64, runAsGroup: int64, runAsNonRoot: bool,
  readOnlyRootFilesystem: bool, allowPrivilegeEscalation: bool, procMount: string, seccompProfile, appArmorProfile,
});
const podSecurityContext = struct('v1.PodSecurityContext', {
  seLinuxOptions, windowsOptions, runAsUser: int64, runAsGroup: int64, runAsNonRoot: bool,
  supplementalGroups: slice(int64), supplementalGroupsPolicy: string, fsGroup: int64,
  sysctls: slice(struct('v1.Sysctl', { name: string, value: string })),
  fsGroupChangePolicy: string, seccompProfile, appArmorProfile, seLinuxChangePolicy: string,
});

const container = struct('v1.Container', {
  name: string, image: string, command: strings, args: strings, workingDir: string,
  ports: slice(struct('v1.ContainerPort', { name: string, hostPort: int32, containerPort: int32, protocol: string, hostIP: string })),
  envFrom: slice(envFromSource), env: slice(envVar), resources: resourceRequirements,
  resizePolicy: slice(struct('v1.ContainerResizePolicy', { resourceName: string, restartPolicy: string })),
  restartPolicy: string,
  volumeMounts: slice(struct('v1.VolumeMount', {
    name: string, readOnly: bool, recursiveReadOnly: string, mountPath: string, subPath: string,
    mountPropagation: string, subPathExpr: string,
  })),
  volumeDevices: slice(struct('v1.VolumeDevice', { name: string, devicePath: string })),
  livenessProbe: probe, readinessProbe: probe, startupProbe: probe,
  lifecycle: struct('v1.Lifecycle', { postStart: lifecycleHandler, preStop: lifecycleHandler }),
  terminationMessagePath: string, terminationMessagePolicy: string, imagePullPolicy: string, securityContext,
  stdin: bool, stdinOnce: bool, tty: bool,
});

const keyToPath = struct('v1.KeyToPath', { key: string, path: string, mode: int32 });
/** Volume sources in detail where daemons commonly use them; every other source by name only. */
const volume = struct('v1.Volume', {
  name: string,
  hostPath: struct('v1.HostPathVolumeSource', { path: string, type: string }),
  emptyDir: struct('v1.EmptyDirVolumeSource', { medium: string, sizeLimit: quantity }),
  secret: struct('v1.SecretVolumeSource', { secretName: string, items: slice(keyToPath), defaultMode: int32, optional: bool }),
  configMap: struct('v1.ConfigMapVolumeSource', { name: string, items: slice(keyToPath), defaultMode: int32, optional: bool }),
  persistentVolumeClaim: struct('v1.PersistentVolumeClaimVolumeSource', { claimName: string, readOnly: bool }),
  downwardAPI: struct('v1.DownwardAPIVolumeSource', {
    items: slice(struct('v1.DownwardAPIVolumeFile', { path: string, fieldRef: objectFieldSelector, resourceFieldRef: resourceFieldSelector, mode: int32 })),
    defaultMode: int32,
  }),
  projected: struct('v1.ProjectedVolumeSource', { sources: slice(open('v1.VolumeProjection')), defaultMode: int32 }),
  ...Object.fromEntries(
    (
      [
        ['gcePersistentDisk', 'GCEPersistentDiskVolumeSource'], ['awsElasticBlockStore', 'AWSElasticBlockStoreVolumeSource'],
        ['gitRepo', 'GitRepoVolumeSource'], ['nfs', 'NFSVolumeSource'], ['iscsi', 'ISCSIVolumeSource'],
        ['glusterfs', 'GlusterfsVolumeSource'], ['rbd', 'RBDVolumeSource'], ['flexVolume', 'FlexVolumeSource'],
        ['cinder', 'CinderVolumeSource'], ['cephfs', 'CephFSVolumeSource'], ['flocker', 'FlockerVolumeSource'],
        ['fc', 'FCVolumeSource'], ['azureFile', 'AzureFileVolumeSource'], ['vsphereVolume', 'VsphereVirtualDiskVolumeSource'],
        ['quobyte', 'QuobyteVolumeSource'], ['azureDisk', 'AzureDiskVolumeSource'],
        ['photonPersistentDisk', 'PhotonPersistentDiskVolumeSource'], ['portworxVolume', 'PortworxVolumeSource'],
        ['scaleIO', 'ScaleIOVolumeSource'], ['storageos', 'StorageOSVolumeSource'], ['csi', 'CSIVolumeSource'],
        ['ephemeral', 'EphemeralVolumeSource'], ['image', 'ImageVolumeSource'],
      ] as const
    ).map(([name, go]) => [name, open(`v1.${go}`)]),
  ),
});

/** The volume source fields of v1.Volume (everything but `name`), in declaration order. */
export const VOLUME_SOURCES = Object.keys((volume as { fields: Record<string, FieldSchema> }).fields).filter((f) => f !== 'name');

const podSpec = struct('v1.PodSpec', {
  volumes: slice(volume), initContainers: slice(container), containers: slice(container),
  ephemeralContainers: slice(open('v1.EphemeralContainer')), restartPolicy: string,
  terminationGracePeriodSeconds: int64, activeDeadlineSeconds: int64, dnsPolicy: string, nodeSelector: stringMap,
  serviceAccountName: string, serviceAccount: string, automountServiceAccountToken: bool, nodeName: string,
  hostNetwork: bool, hostPID: bool, hostIPC: bool, shareProcessNamespace: bool, securityContext: podSecurityContext,
  imagePullSecrets: slice(struct('v1.LocalObjectReference', { name: string })), hostname: string, subdomain: string,
  affinity, schedulerName: string,
  tolerations: slice(struct('v1.Toleration', { key: string, operator: string, value: string, effect: string, tolerationSeconds: int64 })),
  hostAliases: slice(struct('v1.HostAlias', { ip: string, hostnames: strings })),
  priorityClassName: string, priority: int32,
  dnsConfig: struct('v1.PodDNSConfig', {
    nameservers: strings, searches: strings,
    options: slice(struct('v1.PodDNSConfigOption', { name: string, value: string })),
  }),
  readinessGates: slice(struct('v1.PodReadinessGate', { conditionType: string })),
  runtimeClassName: string, enableServiceLinks: bool, preemptionPolicy: string, overhead: resourceList,
  topologySpreadConstraints: slice(struct('v1.TopologySpreadConstraint', {
    maxSkew: int32, topologyKey: string, whenUnsatisfiable: string, labelSelector, minDomains: int32,
    nodeAffinityPolicy: string, nodeTaintsPolicy: string, matchLabelKeys: strings,
  })),
  setHostnameAsFQDN: bool, os: struct('v1.PodOS', { name: string }), hostUsers: bool,
  schedulingGates: slice(struct('v1.PodSchedulingGate', { name: string })),
  resourceClaims: slice(struct('v1.PodResourceClaim', { name: string, resourceClaimName: string, resourceClaimTemplateName: string })),
  resources: resourceRequirements,
});

export const DAEMONSET_SCHEMA = struct('v1.DaemonSet', {
  apiVersion: string,
  kind: string,
  metadata: objectMeta,
  spec: struct('v1.DaemonSetSpec', {
    selector: labelSelector,
    template: struct('v1.PodTemplateSpec', { metadata: objectMeta, spec: podSpec }),
    updateStrategy: struct('v1.DaemonSetUpdateStrategy', {
      type: string,
      rollingUpdate: struct('v1.RollingUpdateDaemonSet', { maxUnavailable: intOrString, maxSurge: intOrString }),
    }),
    minReadySeconds: int32,
    revisionHistoryLimit: int32,
  }),
  status: struct('v1.DaemonSetStatus', {
    currentNumberScheduled: int32, numberMisscheduled: int32, desiredNumberScheduled: int32, numberReady: int32,
    observedGeneration: int64, updatedNumberScheduled: int32, numberAvailable: int32, numberUnavailable: int32,
    collisionCount: int32, conditions: slice(open('v1.DaemonSetCondition')),
  }),
});
