// The pod template of a DaemonSet (core ValidatePodTemplateSpec / ValidatePodSpec), the checks a
// daemon manifest can trip over: volumes, containers, policies, node selection, tolerations.
import { validateContainers } from './container.validator';
import { VOLUME_SOURCES } from './daemonset.schema';
import { FieldErrors } from './field-errors';
import { goPointer, goQuote } from './go-format';
import { arr, num, obj, present, str } from './json-access';
import { inclusiveRangeError, isDns1123Label, isDns1123Subdomain, isQualifiedName, isValidLabelValue } from './k8s-names';
import { validateAnnotations, validateLabels } from './meta.validator';

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const MAX_INT32 = 2147483647;

export function validatePodTemplate(template: unknown, path: string, fe: FieldErrors): void {
  const t = obj(template) ?? {};
  const meta = obj(t.metadata) ?? {};
  // Upstream names these `<template>.labels`, not `<template>.metadata.labels`.
  validateLabels(meta.labels, `${path}.labels`, fe);
  validateAnnotations(meta.annotations, `${path}.annotations`, fe);
  validatePodSpec(obj(t.spec) ?? {}, `${path}.spec`, fe);
}

function validatePodSpec(spec: Record<string, unknown>, path: string, fe: FieldErrors): void {
  const volumeNames = validateVolumes(arr(spec.volumes) ?? [], `${path}.volumes`, fe);
  validateContainers(spec, path, volumeNames, fe);
  if (spec.hostNetwork === true) validateHostNetworkPorts(spec, path, fe);
  const restartPolicy = str(spec.restartPolicy);
  if (restartPolicy && !RESTART_POLICIES.includes(restartPolicy)) fe.notSupported(`${path}.restartPolicy`, goQuote(restartPolicy), RESTART_POLICIES);
  const dnsPolicy = str(spec.dnsPolicy);
  if (dnsPolicy && !DNS_POLICIES.includes(dnsPolicy)) fe.notSupported(`${path}.dnsPolicy`, goQuote(dnsPolicy), DNS_POLICIES);
  validateLabels(spec.nodeSelector, `${path}.nodeSelector`, fe);
  validateNodeAffinity(obj(obj(spec.affinity)?.nodeAffinity), `${path}.affinity.nodeAffinity`, fe);
  if (dnsPolicy === 'None' && !present(spec.dnsConfig)) fe.required(`${path}.dnsConfig`, 'must provide `dnsConfig` when `dnsPolicy` is None');
  for (const f of ['serviceAccountName', 'nodeName']) {
    const v = str(spec[f]);
    if (v) fe.invalidEach(`${path}.${f}`, v, isDns1123Subdomain(v));
  }
  const deadline = num(spec.activeDeadlineSeconds);
  if (deadline !== undefined && (deadline < 1 || deadline > MAX_INT32)) {
    fe.invalid(`${path}.activeDeadlineSeconds`, String(deadline), inclusiveRangeError(1, MAX_INT32));
  }
  for (const f of ['hostname', 'subdomain']) {
    const v = str(spec[f]);
    if (v) fe.invalidEach(`${path}.${f}`, v, isDns1123Label(v));
  }
  (arr(spec.tolerations) ?? []).forEach((t, i) => validateToleration(obj(t) ?? {}, `${path}.tolerations[${i}]`, fe));
}

/** Returns the names of the volumes that validated, the ones mounts may refer to. */
function validateVolumes(volumes: unknown[], path: string, fe: FieldErrors): Set<string> {
  const names = new Set<string>();
  volumes.forEach((v, i) => {
    const vol = obj(v) ?? {};
    const at = `${path}[${i}]`;
    const local = new FieldErrors();
    const sources = VOLUME_SOURCES.filter((s) => present(vol[s]));
    if (sources.length === 0) local.required(at, 'must specify a volume type');
    for (const extra of sources.slice(1)) local.forbidden(`${at}.${extra}`, 'may not specify more than 1 volume type');
    if (present(vol.hostPath) && !str(obj(vol.hostPath)?.path)) local.required(`${at}.hostPath.path`);
    const name = str(vol.name) ?? '';
    if (!name) local.required(`${at}.name`);
    else local.invalidEach(`${at}.name`, name, isDns1123Label(name));
    if (names.has(name)) local.duplicate(`${at}.name`, goQuote(name));
    if (local.causes.length === 0) names.add(name);
    fe.causes.push(...local.causes);
  });
  return names;
}

/** With hostNetwork a template may leave hostPort unset (pod defaulting fills it), else it must equal containerPort. */
function validateHostNetworkPorts(spec: Record<string, unknown>, path: string, fe: FieldErrors): void {
  (arr(spec.containers) ?? []).forEach((c, i) => {
    (arr(obj(c)?.ports) ?? []).forEach((p, j) => {
      const hostPort = num(obj(p)?.hostPort) ?? 0;
      if (hostPort !== 0 && hostPort !== (num(obj(p)?.containerPort) ?? 0)) {
        fe.invalid(`${path}.containers[${i}].ports[${j}].hostPort`, String(hostPort), 'must match `containerPort` when `hostNetwork` is true');
      }
    });
  });
}

function validateNodeAffinity(na: Record<string, unknown> | undefined, path: string, fe: FieldErrors): void {
  if (!na) return;
  const required = obj(na.requiredDuringSchedulingIgnoredDuringExecution);
  if (required) {
    const termsPath = `${path}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`;
    const terms = arr(required.nodeSelectorTerms) ?? [];
    if (terms.length === 0) fe.required(termsPath, 'must have at least one node selector term');
    terms.forEach((t, i) => validateNodeSelectorTerm(obj(t) ?? {}, `${termsPath}[${i}]`, fe));
  }
  (arr(na.preferredDuringSchedulingIgnoredDuringExecution) ?? []).forEach((p, i) => {
    const at = `${path}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    const weight = num(obj(p)?.weight) ?? 0;
    if (weight < 1 || weight > 100) fe.invalid(`${at}.weight`, String(weight), 'must be in the range 1-100');
    validateNodeSelectorTerm(obj(obj(p)?.preference) ?? {}, `${at}.preference`, fe);
  });
}

function validateNodeSelectorTerm(term: Record<string, unknown>, path: string, fe: FieldErrors): void {
  (arr(term.matchExpressions) ?? []).forEach((r, i) => {
    const req = obj(r) ?? {};
    const at = `${path}.matchExpressions[${i}]`;
    const values = (arr(req.values) ?? []).map((v) => str(v) ?? '');
    const op = str(req.operator) ?? '';
    if (op === 'In' || op === 'NotIn') {
      if (!values.length) fe.required(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'");
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length) fe.forbidden(`${at}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    } else if (op === 'Gt' || op === 'Lt') {
      if (values.length !== 1) fe.required(`${at}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'");
    } else {
      fe.invalid(`${at}.operator`, goQuote(op), 'not a valid selector operator');
    }
    const key = str(req.key) ?? '';
    fe.invalidEach(`${at}.key`, key, isQualifiedName(key));
    values.forEach((v, j) => fe.invalidEach(`${at}.values[${j}]`, v, isValidLabelValue(v)));
  });
  (arr(term.matchFields) ?? []).forEach((r, i) => {
    const req = obj(r) ?? {};
    const at = `${path}.matchFields[${i}]`;
    const values = (arr(req.values) ?? []).map((v) => str(v) ?? '');
    const op = str(req.operator) ?? '';
    if (op === 'In' || op === 'NotIn') {
      if (values.length !== 1) fe.required(`${at}.values`, "must be only one value when `operator` is 'In' or 'NotIn' for node field selector");
    } else {
      fe.invalid(`${at}.operator`, goQuote(op), 'not a valid selector operator');
    }
    const key = str(req.key) ?? '';
    if (key !== 'metadata.name') fe.invalid(`${at}.key`, goQuote(key), 'not a valid field selector key');
    else values.forEach((v, j) => fe.invalidEach(`${at}.values[${j}]`, v, isDns1123Subdomain(v)));
  });
}

/** ValidateTolerations, message for message. */
function validateToleration(t: Record<string, unknown>, path: string, fe: FieldErrors): void {
  const key = str(t.key) ?? '';
  const operator = str(t.operator) ?? '';
  const value = str(t.value) ?? '';
  const effect = str(t.effect) ?? '';
  if (key) fe.invalidEach(`${path}.key`, key, isQualifiedName(key));
  if (!key && operator !== 'Exists') {
    fe.invalid(`${path}.operator`, goQuote(operator), 'operator must be Exists when `key` is empty, which means "match all values and all keys"');
  }
  if (present(t.tolerationSeconds) && effect !== 'NoExecute') {
    fe.invalid(`${path}.effect`, goQuote(effect), "effect must be 'NoExecute' when `tolerationSeconds` is set");
  }
  if (operator === 'Equal' || operator === '') {
    const errs = isValidLabelValue(value);
    if (errs.length) fe.invalid(`${path}.operator`, goQuote(value), errs.join(';'));
  } else if (operator === 'Exists') {
    if (value) {
      const rendered = `core.Toleration{Key:${goQuote(key)}, Operator:${goQuote(operator)}, Value:${goQuote(value)}, Effect:${goQuote(effect)}, TolerationSeconds:${goPointer('int64', present(t.tolerationSeconds))}}`;
      fe.invalid(`${path}.operator`, rendered, "value must be empty when `operator` is 'Exists'");
    }
  } else {
    fe.notSupported(`${path}.operator`, goQuote(operator), ['Equal', 'Exists']);
  }
  if (effect && !TAINT_EFFECTS.includes(effect)) fe.notSupported(`${path}.effect`, goQuote(effect), TAINT_EFFECTS);
}
