// Containers and init containers of a pod spec (core validateContainers / validateContainerCommon).
import { FieldErrors } from './field-errors';
import { goQuote } from './go-format';
import { arr, num, obj, present, str } from './json-access';
import { isDns1123Label, isValidPortName, isValidPortNum } from './k8s-names';
import { validateResourceRequirements } from './resources.validator';

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const NON_NEGATIVE = 'must be greater than or equal to 0';

/** Regular then init containers; names are unique across both. */
export function validateContainers(spec: Record<string, unknown>, path: string, volumeNames: Set<string>, fe: FieldErrors): void {
  const names = new Set<string>();
  const containers = arr(spec.containers) ?? [];
  if (containers.length === 0) fe.required(`${path}.containers`);
  containers.forEach((c, i) => validateContainer(obj(c) ?? {}, `${path}.containers[${i}]`, volumeNames, names, true, fe));
  (arr(spec.initContainers) ?? []).forEach((c, i) =>
    validateContainer(obj(c) ?? {}, `${path}.initContainers[${i}]`, volumeNames, names, false, fe),
  );
}

function validateContainer(
  ctr: Record<string, unknown>,
  path: string,
  volumeNames: Set<string>,
  names: Set<string>,
  regular: boolean,
  fe: FieldErrors,
): void {
  const name = str(ctr.name) ?? '';
  if (!name) fe.required(`${path}.name`);
  else fe.invalidEach(`${path}.name`, name, isDns1123Label(name));
  if (!str(ctr.image)) fe.required(`${path}.image`);
  // Absent values are defaulted before validation; only a value someone wrote can be wrong.
  const tmp = str(ctr.terminationMessagePolicy);
  if (tmp && !TERMINATION_MESSAGE_POLICIES.includes(tmp)) fe.notSupported(`${path}.terminationMessagePolicy`, goQuote(tmp), TERMINATION_MESSAGE_POLICIES);
  validatePorts(arr(ctr.ports) ?? [], `${path}.ports`, fe);
  validateEnv(arr(ctr.env) ?? [], `${path}.env`, fe);
  validateVolumeMounts(arr(ctr.volumeMounts) ?? [], `${path}.volumeMounts`, volumeNames, fe);
  const pull = str(ctr.imagePullPolicy);
  if (pull && !PULL_POLICIES.includes(pull)) fe.notSupported(`${path}.imagePullPolicy`, goQuote(pull), PULL_POLICIES);
  validateResourceRequirements(ctr.resources, `${path}.resources`, fe);
  if (names.has(name)) fe.duplicate(`${path}.name`, goQuote(name));
  names.add(name);
  if (!regular) return;
  validateProbe(ctr.livenessProbe, `${path}.livenessProbe`, 'liveness', fe);
  validateProbe(ctr.readinessProbe, `${path}.readinessProbe`, 'readiness', fe);
  validateProbe(ctr.startupProbe, `${path}.startupProbe`, 'startup', fe);
}

function validatePorts(ports: unknown[], path: string, fe: FieldErrors): void {
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const port = obj(p) ?? {};
    const at = `${path}[${i}]`;
    const name = str(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) fe.invalidEach(`${at}.name`, name, msgs);
      else if (names.has(name)) fe.duplicate(`${at}.name`, goQuote(name));
      else names.add(name);
    }
    const containerPort = num(port.containerPort) ?? 0;
    if (containerPort === 0) fe.required(`${at}.containerPort`);
    else for (const m of isValidPortNum(containerPort)) fe.invalid(`${at}.containerPort`, String(containerPort), m);
    const hostPort = num(port.hostPort) ?? 0;
    if (hostPort !== 0) for (const m of isValidPortNum(hostPort)) fe.invalid(`${at}.hostPort`, String(hostPort), m);
    const protocol = str(port.protocol);
    if (protocol && !PORT_PROTOCOLS.includes(protocol)) fe.notSupported(`${at}.protocol`, goQuote(protocol), PORT_PROTOCOLS);
  });
}

function validateEnv(env: unknown[], path: string, fe: FieldErrors): void {
  env.forEach((e, i) => {
    const name = str(obj(e)?.name) ?? '';
    if (!name) {
      fe.required(`${path}[${i}].name`);
      fe.invalid(`${path}[${i}].name`, goQuote(name), 'environment variable name must be non-empty');
    } else if (/[^\x20-\x7e]|=/.test(name)) {
      // RelaxedEnvironmentVariableValidation (on by default since 1.32).
      fe.invalid(`${path}[${i}].name`, goQuote(name), "a valid environment variable name must consist only of printable ASCII characters other than '='");
    }
  });
}

function validateVolumeMounts(mounts: unknown[], path: string, volumeNames: Set<string>, fe: FieldErrors): void {
  const mountPoints = new Set<string>();
  mounts.forEach((m, i) => {
    const mount = obj(m) ?? {};
    const at = `${path}[${i}]`;
    const name = str(mount.name) ?? '';
    if (!name) fe.required(`${at}.name`);
    if (!volumeNames.has(name)) fe.notFound(`${at}.name`, goQuote(name));
    const mountPath = str(mount.mountPath) ?? '';
    if (!mountPath) fe.required(`${at}.mountPath`);
    if (mountPoints.has(mountPath)) fe.invalid(`${at}.mountPath`, goQuote(mountPath), 'must be unique');
    mountPoints.add(mountPath);
  });
}

const HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;

function validateProbe(value: unknown, path: string, type: 'liveness' | 'readiness' | 'startup', fe: FieldErrors): void {
  const probe = obj(value);
  if (!probe) return;
  let handlers = 0;
  for (const h of HANDLERS) {
    if (!present(probe[h])) continue;
    if (handlers++ > 0) {
      fe.forbidden(`${path}.${h}`, 'may not specify more than 1 handler type');
      continue;
    }
    validateHandler(h, obj(probe[h]) ?? {}, `${path}.${h}`, fe);
  }
  if (handlers === 0) fe.required(path, 'must specify a handler type');
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    const v = num(probe[f]);
    if (v !== undefined && v < 0) fe.invalid(`${path}.${f}`, String(v), NON_NEGATIVE);
  }
  const grace = num(probe.terminationGracePeriodSeconds);
  if (grace !== undefined && grace <= 0) fe.invalid(`${path}.terminationGracePeriodSeconds`, String(grace), 'must be greater than 0');
  const success = num(probe.successThreshold) ?? 1;
  if (type !== 'readiness' && success !== 1) fe.invalid(`${path}.successThreshold`, String(success), 'must be 1');
  if (type === 'readiness' && grace !== undefined) {
    fe.invalid(`${path}.terminationGracePeriodSeconds`, String(grace), 'must not be set for readinessProbes');
  }
}

function validateHandler(kind: (typeof HANDLERS)[number], h: Record<string, unknown>, path: string, fe: FieldErrors): void {
  switch (kind) {
    case 'exec':
      if (!(arr(h.command) ?? []).length) fe.required(`${path}.command`);
      return;
    case 'httpGet': {
      validatePortNumOrName(h.port, `${path}.port`, fe);
      const scheme = str(h.scheme);
      if (scheme && scheme !== 'HTTP' && scheme !== 'HTTPS') fe.notSupported(`${path}.scheme`, goQuote(scheme), ['HTTP', 'HTTPS']);
      return;
    }
    case 'tcpSocket':
      validatePortNumOrName(h.port, `${path}.port`, fe);
      return;
    case 'grpc': {
      const port = num(h.port) ?? 0;
      for (const m of isValidPortNum(port)) fe.invalid(`${path}.port`, String(port), m);
    }
  }
}

function validatePortNumOrName(port: unknown, path: string, fe: FieldErrors): void {
  if (typeof port === 'string') fe.invalidEach(path, port, isValidPortName(port));
  else for (const m of isValidPortNum(num(port) ?? 0)) fe.invalid(path, String(num(port) ?? 0), m);
}
