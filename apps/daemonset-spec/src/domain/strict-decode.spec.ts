import { liberator, liberatorYaml } from './fixtures/liberator.fixture';
import { parseManifest } from './manifest.parser';
import { KubeStatusError } from './kube-status';
import { strictDecodeDaemonSet } from './strict-decode';

const messageOf = (input: unknown) => {
  try {
    strictDecodeDaemonSet(input);
  } catch (error) {
    if (error instanceof KubeStatusError) {
      expect(error.status).toMatchObject({ code: 400, reason: 'BadRequest' });
      return error.status.message;
    }
    throw error;
  }
  throw new Error('expected a 400');
};

/** The liberator manifest as plain JSON, with `change` applied. */
const manifest = (change: (m: any) => void = () => {}) => {
  const m = JSON.parse(JSON.stringify(liberator()));
  change(m);
  return m;
};
const CANNOT_HANDLE = 'DaemonSet in version "v1" cannot be handled as a DaemonSet: ';

describe('strictDecodeDaemonSet', () => {
  it('decodes the liberator manifest unchanged', () => {
    const written = parseManifest(liberatorYaml);
    expect(strictDecodeDaemonSet(written)).toEqual(written);
  });

  it('refuses an unknown field deep in the pod spec with its path', () => {
    expect(messageOf(manifest((m) => (m.spec.template.spec.containers[0].imagePull = 'Always')))).toBe(
      'strict decoding error: unknown field "spec.template.spec.containers[0].imagePull"',
    );
  });

  it('lists every unknown field, joined with ", "', () => {
    const m = manifest((m) => {
      m.metadata.nmae = 'x';
      m.spec.template.spec.containers[0].resources.request = {};
      m.spec.updateStrategy = { type: 'OnDelete', rollingUpdte: {} };
      m.extra = true;
    });
    expect(messageOf(m)).toBe(
      'strict decoding error: unknown field "metadata.nmae", unknown field "spec.template.spec.containers[0].resources.request", unknown field "spec.updateStrategy.rollingUpdte", unknown field "extra"',
    );
  });

  it('knows the fields of probes, volumes, affinity, tolerations and security contexts', () => {
    const m = manifest((m) => {
      const pod = m.spec.template.spec;
      pod.volumes = [{ name: 'logs', hostPath: { path: '/var/log', type: 'Directory' } }, { name: 'nfs', nfs: { server: 's', path: '/' } }];
      pod.tolerations = [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }];
      pod.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['b'] }] }] } } };
      pod.securityContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
      pod.containers[0].livenessProbe = { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 };
      pod.containers[0].volumeMounts = [{ name: 'logs', mountPath: '/logs', readOnly: true }];
      pod.containers[0].env = [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }];
    });
    expect(strictDecodeDaemonSet(m)).toEqual(m);
    m.spec.template.spec.containers[0].livenessProbe.httpGet.prot = 1;
    expect(messageOf(m)).toBe('strict decoding error: unknown field "spec.template.spec.containers[0].livenessProbe.httpGet.prot"');
  });

  it('reports the first wrong JSON type as encoding/json does', () => {
    expect(messageOf(manifest((m) => (m.spec.template.spec.containers = 'liberator')))).toBe(
      `${CANNOT_HANDLE}json: cannot unmarshal string into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container`,
    );
    expect(messageOf(manifest((m) => (m.metadata.labels = { version: 1 })))).toBe(
      `${CANNOT_HANDLE}json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string`,
    );
    expect(messageOf(manifest((m) => (m.spec.template.spec.containers[0].image = ['a'])))).toBe(
      `${CANNOT_HANDLE}json: cannot unmarshal array into Go struct field Container.spec.template.spec.containers.image of type string`,
    );
    expect(messageOf(manifest((m) => (m.spec.minReadySeconds = 1.5)))).toBe(
      `${CANNOT_HANDLE}json: cannot unmarshal number 1.5 into Go struct field DaemonSetSpec.spec.minReadySeconds of type int32`,
    );
    expect(messageOf(manifest((m) => (m.spec.template = 'x')))).toBe(
      `${CANNOT_HANDLE}json: cannot unmarshal string into Go struct field DaemonSetSpec.spec.template of type v1.PodTemplateSpec`,
    );
    expect(messageOf(manifest((m) => (m.spec.template.spec.hostNetwork = 'true')))).toBe(
      `${CANNOT_HANDLE}json: cannot unmarshal string into Go struct field PodSpec.spec.template.spec.hostNetwork of type bool`,
    );
  });

  it('leaves malformed quantity strings to validation (which names the field), refuses other types', () => {
    expect(() => strictDecodeDaemonSet(manifest((m) => (m.spec.template.spec.containers[0].resources.requests.cpu = 'abc')))).not.toThrow();
    expect(messageOf(manifest((m) => (m.spec.template.spec.containers[0].resources.requests.cpu = true)))).toBe(
      `${CANNOT_HANDLE}quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    );
    expect(messageOf(manifest((m) => (m.spec.updateStrategy = { rollingUpdate: { maxSurge: true } })))).toBe(
      `${CANNOT_HANDLE}json: cannot unmarshal bool into Go value of type int32`,
    );
  });

  it('accepts numbers where quantities and int-or-strings are expected, and nulls anywhere', () => {
    const m = manifest((m) => {
      m.spec.template.spec.containers[0].resources.requests.cpu = 0.5;
      m.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 } };
      m.spec.template.metadata.creationTimestamp = null;
      m.spec.revisionHistoryLimit = null;
    });
    expect(strictDecodeDaemonSet(m)).toEqual(m);
  });

  it('refuses another version or kind with upstream wording', () => {
    expect(messageOf(manifest((m) => (m.kind = 'DeamonSet')))).toBe(
      'DeamonSet in version "v1" cannot be handled as a DaemonSet: no kind "DeamonSet" is registered for version "apps/v1" in scheme "pkg/api/legacyscheme/scheme.go:30"',
    );
    expect(messageOf(manifest((m) => (m.apiVersion = 'apps/v2')))).toBe(
      'DaemonSet in version "v2" cannot be handled as a DaemonSet: no kind "DaemonSet" is registered for version "apps/v2" in scheme "pkg/api/legacyscheme/scheme.go:30"',
    );
    expect(messageOf(manifest((m) => (m.kind = 'Deployment')))).toBe(
      'Deployment in version "v1" cannot be handled as a DaemonSet: converting (v1.Deployment) to (apps.DaemonSet): unknown conversion',
    );
    expect(messageOf(manifest((m) => (m.apiVersion = '__proto__')))).toMatch(/no kind "DaemonSet" is registered for version "__proto__"/);
    expect(messageOf(manifest((m) => (m.kind = 7)))).toBe(
      "couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .kind of type string",
    );
  });

  it('takes a missing apiVersion and kind from the endpoint, as the API server does', () => {
    const { apiVersion: _a, kind: _k, ...rest } = manifest();
    expect(strictDecodeDaemonSet(rest)).toMatchObject({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'liberator' } });
  });

  it('keeps a `__proto__` map key as a key', () => {
    const m = manifest();
    m.metadata.labels = JSON.parse('{"__proto__": "x"}');
    expect(Object.keys(strictDecodeDaemonSet(m).metadata.labels!)).toEqual(['__proto__']);
  });

  it('refuses a body that is not an object', () => {
    expect(messageOf([1])).toMatch(/^couldn't get version\/kind; json parse error: json: cannot unmarshal array into Go value of type struct/);
    expect(messageOf(null)).toBe("Object 'Kind' is missing in 'null'");
  });

  it('drops unknown fields and reports them as warnings with fieldValidation=Warn, silently with Ignore', () => {
    const m = manifest((m) => (m.spec.template.spec.containers[0].imagePull = 'Always'));
    const warnings: string[] = [];
    const decoded = strictDecodeDaemonSet(m, { fieldValidation: 'Warn', warnings });
    expect(warnings).toEqual(['unknown field "spec.template.spec.containers[0].imagePull"']);
    expect(decoded).toEqual(manifest());
    expect(strictDecodeDaemonSet(m, { fieldValidation: 'Ignore' })).toEqual(manifest());
  });
});
