// apps/v1 and core/v1 defaulting (SetObjectDefaults_DaemonSet): only missing fields are filled, every
// value the user wrote is kept byte for byte (quantities included), so kubectl's re-apply sees no change.
import type { DaemonSet } from '@everynode/contracts';
import { arr, isObject, obj, present, str, type JsonObject } from './json-access';

/** Sets `key` when Go would see its zero value (absent or null; also "" or 0 for plain, non-pointer fields). */
const fill = (o: JsonObject, key: string, value: unknown, zero?: '' | 0) => {
  if (!present(o[key]) || (zero !== undefined && o[key] === zero)) o[key] = value;
};

/** A new object: the input is not modified. */
export function applyDefaults(ds: DaemonSet): DaemonSet {
  const out = structuredClone(ds) as unknown as JsonObject;
  const spec = obj(out.spec);
  if (!spec) return out as unknown as DaemonSet;
  defaultUpdateStrategy(spec);
  fill(spec, 'revisionHistoryLimit', 10);
  const podSpec = obj(obj(spec.template)?.spec);
  if (podSpec) defaultPodSpec(podSpec);
  return out as unknown as DaemonSet;
}

function defaultUpdateStrategy(spec: JsonObject): void {
  fill(spec, 'updateStrategy', {});
  const strategy = obj(spec.updateStrategy);
  if (!strategy) return;
  fill(strategy, 'type', 'RollingUpdate', '');
  if (strategy.type !== 'RollingUpdate') return;
  fill(strategy, 'rollingUpdate', {});
  const rolling = obj(strategy.rollingUpdate);
  if (!rolling) return;
  fill(rolling, 'maxUnavailable', 1);
  fill(rolling, 'maxSurge', 0);
}

/** SetDefaults_PodSpec: these are the fields `kubectl get -o yaml` shows on every template. */
function defaultPodSpec(podSpec: JsonObject): void {
  fill(podSpec, 'dnsPolicy', 'ClusterFirst', '');
  fill(podSpec, 'restartPolicy', 'Always', '');
  fill(podSpec, 'securityContext', {});
  fill(podSpec, 'terminationGracePeriodSeconds', 30);
  fill(podSpec, 'schedulerName', 'default-scheduler', '');
  for (const key of ['containers', 'initContainers']) {
    for (const c of arr(podSpec[key]) ?? []) if (isObject(c)) defaultContainer(c);
  }
  for (const v of arr(podSpec.volumes) ?? []) if (isObject(v)) defaultVolume(v);
}

function defaultContainer(c: JsonObject): void {
  fill(c, 'imagePullPolicy', imageTag(str(c.image) ?? '') === 'latest' ? 'Always' : 'IfNotPresent', '');
  fill(c, 'terminationMessagePath', '/dev/termination-log', '');
  fill(c, 'terminationMessagePolicy', 'File', '');
  for (const p of arr(c.ports) ?? []) if (isObject(p)) fill(p, 'protocol', 'TCP', '');
  for (const key of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const probe = obj(c[key]);
    if (probe) defaultProbe(probe);
  }
}

/** SetDefaults_Probe and SetDefaults_HTTPGetAction. */
function defaultProbe(probe: JsonObject): void {
  fill(probe, 'timeoutSeconds', 1, 0);
  fill(probe, 'periodSeconds', 10, 0);
  fill(probe, 'successThreshold', 1, 0);
  fill(probe, 'failureThreshold', 3, 0);
  const http = obj(probe.httpGet);
  if (http) {
    fill(http, 'path', '/', '');
    fill(http, 'scheme', 'HTTP', '');
  }
}

const DEFAULT_MODE = 0o644;
const SOURCES_WITH_MODE = ['secret', 'configMap', 'downwardAPI', 'projected'];

function defaultVolume(v: JsonObject): void {
  for (const source of SOURCES_WITH_MODE) {
    const s = obj(v[source]);
    if (s) fill(s, 'defaultMode', DEFAULT_MODE);
  }
  const hostPath = obj(v.hostPath);
  if (hostPath) fill(hostPath, 'type', '');
}

// A docker reference: [domain/]path[:tag][@digest]. Only the tag matters for the pull policy.
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const DOMAIN = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?';
const REFERENCE = new RegExp(
  `^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::([\\w][\\w.-]{0,127}))?(@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`,
);

/**
 * parsers.ParseImageName's tag: `latest` when neither tag nor digest is given, '' for a digest
 * alone or a reference that does not parse (SetDefaults_Container then picks IfNotPresent).
 */
export function imageTag(image: string): string {
  const m = REFERENCE.exec(image);
  if (!m) return '';
  return m[1] ?? (m[2] ? '' : 'latest');
}
