import type { DaemonSet, StatusCause } from '@everynode/contracts';
import fc from 'fast-check';
import { applyDefaults } from './daemonset.defaults';
import { validateDaemonSet } from './daemonset.validator';
import { liberator } from './fixtures/liberator.fixture';
import { invalid, KubeStatusError } from './kube-status';
import { strictDecodeDaemonSet } from './strict-decode';

/** Validates the defaulted liberator after `change`, as the spec service does. */
function causesAfter(change: (ds: any) => void, old?: DaemonSet): StatusCause[] {
  const ds: any = liberator();
  change(ds);
  return validateDaemonSet(applyDefaults(ds), old && applyDefaults(old));
}
const pod = (ds: any) => ds.spec.template.spec;
const container = (ds: any) => pod(ds).containers[0];

const DNS_LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS_SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const NAME_PART =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const MISMATCH = '`selector` does not match template `labels`';

const invalidCause = (field: string, message: string) => ({ reason: 'FieldValueInvalid', field, message });

describe('validateDaemonSet', () => {
  it('accepts the liberator manifest', () => {
    expect(causesAfter(() => {})).toEqual([]);
  });

  describe('metadata', () => {
    it('requires a name', () => {
      expect(causesAfter((ds) => delete ds.metadata.name)).toEqual([
        { reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' },
      ]);
    });

    it('wants a DNS-1123 subdomain of at most 253 characters', () => {
      expect(causesAfter((ds) => (ds.metadata.name = 'Liberator_1'))).toEqual([
        invalidCause('metadata.name', `Invalid value: "Liberator_1": ${DNS_SUBDOMAIN}`),
      ]);
      const long = 'a'.repeat(254);
      expect(causesAfter((ds) => (ds.metadata.name = long))).toEqual([
        invalidCause('metadata.name', `Invalid value: "${long}": must be no more than 253 characters`),
      ]);
    });

    it('wants the namespace a DNS-1123 label', () => {
      expect(causesAfter((ds) => (ds.metadata.namespace = 'tkr.system'))).toEqual([
        invalidCause('metadata.namespace', 'Invalid value: "tkr.system": must not contain dots'),
      ]);
      expect(causesAfter((ds) => (ds.metadata.namespace = 'TKR'))).toEqual([invalidCause('metadata.namespace', `Invalid value: "TKR": ${DNS_LABEL}`)]);
    });

    it('checks label keys and values', () => {
      const long = 'v'.repeat(64);
      expect(causesAfter((ds) => (ds.metadata.labels = { '-bad': 'ok', good: long }))).toEqual([
        invalidCause('metadata.labels', `Invalid value: "-bad": ${NAME_PART}`),
        invalidCause('metadata.labels', `Invalid value: "${long}": must be no more than 63 characters`),
      ]);
    });
  });

  describe('selector', () => {
    it('is required (and then cannot match the template)', () => {
      const causes = causesAfter((ds) => delete ds.spec.selector);
      expect(causes).toEqual([
        { reason: 'FieldValueRequired', field: 'spec.selector', message: 'Required value' },
        invalidCause('spec.template.metadata.labels', `Invalid value: map[string]string{"name":"liberator"}: ${MISMATCH}`),
      ]);
      expect(invalid('DaemonSet', 'liberator', 'apps', causes).status.message).toBe(
        `DaemonSet.apps "liberator" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"name":"liberator"}: ${MISMATCH}]`,
      );
    });

    it('must not be empty', () => {
      expect(causesAfter((ds) => (ds.spec.selector = {}))).toEqual([
        invalidCause(
          'spec.selector',
          'Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for daemonset',
        ),
      ]);
    });

    it('must match the template labels', () => {
      expect(causesAfter((ds) => (ds.spec.template.metadata.labels = { name: 'other' }))).toEqual([
        invalidCause('spec.template.metadata.labels', `Invalid value: map[string]string{"name":"other"}: ${MISMATCH}`),
      ]);
      expect(causesAfter((ds) => delete ds.spec.template.metadata.labels)).toEqual([
        invalidCause('spec.template.metadata.labels', `Invalid value: map[string]string(nil): ${MISMATCH}`),
      ]);
    });

    it('checks match expressions', () => {
      const causes = causesAfter((ds) => (ds.spec.selector.matchExpressions = [{ key: 'tier', operator: 'Within', values: ['a'] }, { key: 'x', operator: 'In' }]));
      expect(causes).toEqual([
        invalidCause('spec.selector.matchExpressions[0].operator', 'Invalid value: "Within": not a valid selector operator'),
        { reason: 'FieldValueRequired', field: 'spec.selector.matchExpressions[1].values', message: "Required value: must be specified when `operator` is 'In' or 'NotIn'" },
      ]);
    });

    it('is immutable on update, whatever the key order', () => {
      const old = liberator();
      const changed = causesAfter((ds) => {
        ds.spec.selector.matchLabels.tier = 'x';
        ds.spec.template.metadata.labels.tier = 'x';
      }, old);
      expect(changed).toEqual([
        invalidCause(
          'spec.selector',
          'Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"name":"liberator", "tier":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
        ),
      ]);
      const reordered = { ...old, spec: { ...old.spec, selector: { matchLabels: { name: 'liberator' }, matchExpressions: [] } } };
      expect(causesAfter(() => {}, reordered)).toEqual([]);
    });
  });

  describe('pod template', () => {
    it('checks template label syntax under upstream field name', () => {
      expect(causesAfter((ds) => (ds.spec.template.metadata.labels['-bad'] = 'x'))).toEqual([
        invalidCause('spec.template.labels', `Invalid value: "-bad": ${NAME_PART}`),
      ]);
    });

    it('needs at least one container', () => {
      expect(causesAfter((ds) => (pod(ds).containers = []))).toEqual([
        { reason: 'FieldValueRequired', field: 'spec.template.spec.containers', message: 'Required value' },
      ]);
    });

    it('wants container names DNS-1123 labels, unique', () => {
      expect(causesAfter((ds) => (container(ds).name = 'Liberator'))).toEqual([
        invalidCause('spec.template.spec.containers[0].name', `Invalid value: "Liberator": ${DNS_LABEL}`),
      ]);
      expect(causesAfter((ds) => pod(ds).containers.push({ name: 'liberator', image: 'busybox:1.36' }))).toEqual([
        { reason: 'FieldValueDuplicate', field: 'spec.template.spec.containers[1].name', message: 'Duplicate value: "liberator"' },
      ]);
    });

    it('requires an image', () => {
      expect(causesAfter((ds) => delete container(ds).image)).toEqual([
        { reason: 'FieldValueRequired', field: 'spec.template.spec.containers[0].image', message: 'Required value' },
      ]);
    });

    it('allows restartPolicy Always only', () => {
      expect(causesAfter((ds) => (pod(ds).restartPolicy = 'Never'))).toEqual([
        { reason: 'FieldValueNotSupported', field: 'spec.template.spec.restartPolicy', message: 'Unsupported value: "Never": supported values: "Always"' },
      ]);
      expect(causesAfter((ds) => (pod(ds).restartPolicy = 'Sometimes')).map((c) => c.message)).toEqual([
        'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
        'Unsupported value: "Sometimes": supported values: "Always"',
      ]);
    });

    it('forbids activeDeadlineSeconds', () => {
      expect(causesAfter((ds) => (pod(ds).activeDeadlineSeconds = 30))).toEqual([
        { reason: 'FieldValueForbidden', field: 'spec.template.spec.activeDeadlineSeconds', message: 'Forbidden: activeDeadlineSeconds in DaemonSet is not Supported' },
      ]);
    });

    it('checks the pull policy, ports and volume mounts', () => {
      expect(causesAfter((ds) => (container(ds).imagePullPolicy = 'Sometimes'))).toEqual([
        {
          reason: 'FieldValueNotSupported',
          field: 'spec.template.spec.containers[0].imagePullPolicy',
          message: 'Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
        },
      ]);
      expect(causesAfter((ds) => (container(ds).ports = [{ containerPort: 70000 }]))).toEqual([
        invalidCause('spec.template.spec.containers[0].ports[0].containerPort', 'Invalid value: 70000: must be between 1 and 65535, inclusive'),
      ]);
      expect(causesAfter((ds) => (container(ds).volumeMounts = [{ name: 'data', mountPath: '/data' }]))).toEqual([
        { reason: 'FieldValueNotFound', field: 'spec.template.spec.containers[0].volumeMounts[0].name', message: 'Not found: "data"' },
      ]);
    });

    it('checks the service account and node selector syntax', () => {
      expect(causesAfter((ds) => (pod(ds).serviceAccountName = 'High_Availability'))).toEqual([
        invalidCause('spec.template.spec.serviceAccountName', `Invalid value: "High_Availability": ${DNS_SUBDOMAIN}`),
      ]);
      expect(causesAfter((ds) => (pod(ds).nodeSelector = { 'disk type': 'ssd' }))).toEqual([
        invalidCause('spec.template.spec.nodeSelector', `Invalid value: "disk type": ${NAME_PART}`),
      ]);
    });

    it('checks node affinity', () => {
      const terms = [{ matchExpressions: [{ key: 'color', operator: 'Within', values: ['blue'] }] }];
      expect(causesAfter((ds) => (pod(ds).affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } }))).toEqual([
        invalidCause(
          'spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator',
          'Invalid value: "Within": not a valid selector operator',
        ),
      ]);
    });

    it('checks toleration syntax', () => {
      const at = 'spec.template.spec.tolerations[0]';
      expect(causesAfter((ds) => (pod(ds).tolerations = [{ key: 'k', operator: 'Exists', value: 'v' }]))).toEqual([
        invalidCause(
          `${at}.operator`,
          'Invalid value: core.Toleration{Key:"k", Operator:"Exists", Value:"v", Effect:"", TolerationSeconds:(*int64)(nil)}: value must be empty when `operator` is \'Exists\'',
        ),
      ]);
      expect(causesAfter((ds) => (pod(ds).tolerations = [{ operator: 'Equal' }]))).toEqual([
        invalidCause(`${at}.operator`, 'Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"'),
      ]);
      expect(causesAfter((ds) => (pod(ds).tolerations = [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }]))).toEqual([
        invalidCause(`${at}.effect`, 'Invalid value: "NoSchedule": effect must be \'NoExecute\' when `tolerationSeconds` is set'),
      ]);
      expect(causesAfter((ds) => (pod(ds).tolerations = [{ key: 'k', operator: 'Exists', effect: 'Sometimes' }]))).toEqual([
        { reason: 'FieldValueNotSupported', field: `${at}.effect`, message: 'Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"' },
      ]);
    });
  });

  describe('resources', () => {
    const at = 'spec.template.spec.containers[0].resources';

    it('keeps requests within limits', () => {
      expect(causesAfter((ds) => (container(ds).resources.requests.memory = '300Mi'))).toEqual([
        invalidCause(`${at}.requests`, 'Invalid value: "300Mi": must be less than or equal to memory limit of 200Mi'),
      ]);
      expect(causesAfter((ds) => (container(ds).resources = { requests: { cpu: '1.5' }, limits: { cpu: 1 } }))).toEqual([
        invalidCause(`${at}.requests`, 'Invalid value: "1500m": must be less than or equal to cpu limit of 1'),
      ]);
    });

    it('reports a quantity that does not parse (when strict decoding was skipped)', () => {
      expect(causesAfter((ds) => (container(ds).resources.requests.cpu = 'abc'))).toEqual([
        invalidCause(`${at}.requests[cpu]`, `Invalid value: "abc": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`),
      ]);
    });

    it('refuses negative quantities and unknown resource names', () => {
      expect(causesAfter((ds) => (container(ds).resources.requests.cpu = '-100m'))).toEqual([
        invalidCause(`${at}.requests[cpu]`, 'Invalid value: "-100m": must be greater than or equal to 0'),
      ]);
      expect(causesAfter((ds) => (container(ds).resources.requests.gpu = '1'))).toEqual([
        invalidCause(`${at}.requests[gpu]`, 'Invalid value: "gpu": must be a standard resource type or fully qualified'),
        invalidCause(`${at}.requests[gpu]`, 'Invalid value: "gpu": must be a standard resource for containers'),
      ]);
    });

    it('wants extended resources whole and their requests equal to limits', () => {
      expect(causesAfter((ds) => (container(ds).resources.requests['example.com/dongle'] = '1'))).toEqual([
        { reason: 'FieldValueRequired', field: `${at}.limits`, message: 'Required value: Limit must be set for non overcommitable resources' },
      ]);
      expect(
        causesAfter((ds) => {
          container(ds).resources.requests['example.com/dongle'] = '1';
          container(ds).resources.limits['example.com/dongle'] = '1500m';
        }),
      ).toEqual([
        invalidCause(`${at}.limits[example.com/dongle]`, 'Invalid value: "1500m": must be an integer'),
        invalidCause(`${at}.requests`, 'Invalid value: "1": must be equal to example.com/dongle limit of 1500m'),
      ]);
    });
  });

  describe('update strategy and counters', () => {
    const at = 'spec.updateStrategy.rollingUpdate';

    it('accepts RollingUpdate with surge only, and OnDelete', () => {
      expect(causesAfter((ds) => (ds.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '20%' } }))).toEqual([]);
      expect(causesAfter((ds) => (ds.spec.updateStrategy = { type: 'OnDelete' }))).toEqual([]);
    });

    it('supports RollingUpdate and OnDelete only', () => {
      expect(causesAfter((ds) => (ds.spec.updateStrategy = { type: 'Rolling' }))).toEqual([
        {
          reason: 'FieldValueNotSupported',
          field: 'spec.updateStrategy',
          message:
            'Unsupported value: apps.DaemonSetUpdateStrategy{Type:"Rolling", RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}: supported values: "RollingUpdate", "OnDelete"',
        },
      ]);
    });

    it('wants maxUnavailable and maxSurge integers >= 0 or percentages <= 100%', () => {
      expect(causesAfter((ds) => (ds.spec.updateStrategy = { rollingUpdate: { maxUnavailable: '150%' } }))).toEqual([
        invalidCause(`${at}.maxUnavailable`, 'Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%'),
      ]);
      expect(causesAfter((ds) => (ds.spec.updateStrategy = { rollingUpdate: { maxUnavailable: -1 } }))).toEqual([
        invalidCause(`${at}.maxUnavailable`, 'Invalid value: -1: must be greater than or equal to 0'),
      ]);
      expect(causesAfter((ds) => (ds.spec.updateStrategy = { rollingUpdate: { maxUnavailable: 'abc' } }))).toEqual([
        invalidCause(
          `${at}.maxUnavailable`,
          "Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"abc\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
        ),
        { reason: 'FieldValueRequired', field: `${at}.maxUnavailable`, message: 'Required value: cannot be 0 when maxSurge is 0' },
      ]);
    });

    it('refuses both non-zero and both zero', () => {
      expect(causesAfter((ds) => (ds.spec.updateStrategy = { rollingUpdate: { maxUnavailable: 1, maxSurge: '20%' } }))).toEqual([
        invalidCause(`${at}.maxSurge`, 'Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"20%"}: may not be set when maxUnavailable is non-zero'),
      ]);
      expect(causesAfter((ds) => (ds.spec.updateStrategy = { rollingUpdate: { maxUnavailable: '0%' } }))).toEqual([
        { reason: 'FieldValueRequired', field: `${at}.maxUnavailable`, message: 'Required value: cannot be 0 when maxSurge is 0' },
      ]);
    });

    it('wants minReadySeconds and revisionHistoryLimit >= 0', () => {
      expect(causesAfter((ds) => (ds.spec.minReadySeconds = -1))).toEqual([invalidCause('spec.minReadySeconds', 'Invalid value: -1: must be greater than or equal to 0')]);
      expect(causesAfter((ds) => (ds.spec.revisionHistoryLimit = -1))).toEqual([
        invalidCause('spec.revisionHistoryLimit', 'Invalid value: -1: must be greater than or equal to 0'),
      ]);
    });
  });

  it('returns every cause, metadata first', () => {
    const causes = causesAfter((ds) => {
      ds.metadata.name = 'Bad';
      pod(ds).restartPolicy = 'Never';
      ds.spec.minReadySeconds = -5;
    });
    expect(causes.map((c) => c.field)).toEqual(['metadata.name', 'spec.template.spec.restartPolicy', 'spec.minReadySeconds']);
  });
});

describe('validateDaemonSet on arbitrary input', () => {
  const isCause = (c: StatusCause) => typeof c.message === 'string' && typeof c.field === 'string' && typeof c.reason === 'string';

  it('never throws on any value', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(validateDaemonSet(value as DaemonSet).every(isCause)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  /** Paths into the liberator manifest where a random JSON value is grafted. */
  const GRAFTS = [
    [], ['metadata'], ['metadata', 'labels'], ['spec'], ['spec', 'selector'], ['spec', 'selector', 'matchLabels'],
    ['spec', 'selector', 'matchExpressions'], ['spec', 'template'], ['spec', 'template', 'metadata'], ['spec', 'template', 'spec'],
    ['spec', 'template', 'spec', 'containers'], ['spec', 'template', 'spec', 'containers', 0],
    ['spec', 'template', 'spec', 'containers', 0, 'resources'], ['spec', 'template', 'spec', 'containers', 0, 'resources', 'requests'],
    ['spec', 'template', 'spec', 'tolerations'], ['spec', 'template', 'spec', 'affinity'], ['spec', 'template', 'spec', 'volumes'],
    ['spec', 'updateStrategy'], ['spec', 'updateStrategy', 'rollingUpdate'], ['spec', 'minReadySeconds'],
  ] as const;

  it('decodes, defaults and validates grafted manifests: causes or a KubeStatusError, never another error', () => {
    fc.assert(
      fc.property(fc.constantFrom(...GRAFTS), fc.string(), fc.oneof(fc.jsonValue(), fc.object()), (path, key, graft) => {
        const m: any = JSON.parse(JSON.stringify(liberator()));
        let at = m;
        for (const step of path.slice(0, -1)) at = at?.[step];
        const root = path.length === 0;
        if (root) m[key] = graft;
        else if (at && typeof at === 'object') at[path[path.length - 1]] = graft;
        try {
          const decoded = strictDecodeDaemonSet(m);
          expect(validateDaemonSet(applyDefaults(decoded)).every(isCause)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(KubeStatusError);
        }
        expect(validateDaemonSet(applyDefaults(m)).every(isCause)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
