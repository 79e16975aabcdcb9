import fc from 'fast-check';
import { KubeStatusError, statusThrownBy } from '@everynode/contracts';
import { applyMergePatch } from './json-merge-patch';
import { applyStrategicMergePatch, K8S_MERGE_KEYS, type PatchSchema } from './strategic-merge-patch';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** examples/liberator.yaml as the API server stores it after `kubectl apply`. */
const liberator = () => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: {
    name: 'liberator',
    namespace: 'tkr-system',
    generation: 1,
    annotations: { [LAST_APPLIED]: '{"apiVersion":"apps/v1","kind":"DaemonSet","image":"maho/liberator:0.1"}\n' },
  },
  spec: {
    selector: { matchLabels: { name: 'liberator' } },
    template: {
      metadata: { labels: { name: 'liberator' } },
      spec: {
        serviceAccountName: 'high-availability',
        containers: [{
          name: 'liberator',
          image: 'maho/liberator:0.1',
          resources: { limits: { memory: '200Mi' }, requests: { cpu: '100m', memory: '200Mi' } },
        }],
      },
    },
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
  },
  status: { currentNumberScheduled: 2, desiredNumberScheduled: 2, numberMisscheduled: 0, numberReady: 2 },
});

const smp = (original: unknown, patch: unknown, schema?: PatchSchema) => applyStrategicMergePatch(original, patch, schema);
const podSpec = (result: unknown) => (result as ReturnType<typeof liberator>).spec.template.spec as Record<string, unknown>;

describe('applyStrategicMergePatch: what kubectl apply sends', () => {
  it('changes only the image with the exact patch of a changed re-apply, keeping 100m/200Mi verbatim', () => {
    const newAnnotation = '{"apiVersion":"apps/v1","kind":"DaemonSet","image":"maho/liberator:0.2"}\n';
    const patch = JSON.parse(
      `{"metadata":{"annotations":{${JSON.stringify(LAST_APPLIED)}:${JSON.stringify(newAnnotation)}}},` +
        '"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"liberator"}],' +
        '"containers":[{"image":"maho/liberator:0.2","name":"liberator"}]}}}}',
    );
    const expected = liberator();
    expected.metadata.annotations[LAST_APPLIED] = newAnnotation;
    expected.spec.template.spec.containers[0].image = 'maho/liberator:0.2';

    const result = smp(liberator(), patch);

    expect(result).toEqual(expected);
    expect(JSON.stringify(result)).toBe(JSON.stringify(expected)); // same key order: nothing moved
  });

  it('never modifies its inputs', () => {
    const original = liberator();
    const patch = { spec: { template: { spec: { containers: [{ name: 'liberator', image: 'x' }], serviceAccountName: null } } } };
    const before = JSON.stringify([original, patch]);
    smp(original, patch);
    expect(JSON.stringify([original, patch])).toBe(before);
  });

  it('refuses a patch that is not an object with a 400 Status', () => {
    for (const patch of [[1], 'x', null, 3]) {
      expect(statusThrownBy(() => smp(liberator(), patch))).toMatchObject({ code: 400, reason: 'BadRequest', message: 'invalid JSON document' });
    }
  });
});

describe('applyStrategicMergePatch: maps and null', () => {
  it('merges maps deeply and deletes a key set to null', () => {
    const result = smp(liberator(), { metadata: { labels: { tier: 'node' }, annotations: { [LAST_APPLIED]: null } }, spec: { minReadySeconds: 5 } });
    expect((result as ReturnType<typeof liberator>).metadata).toEqual({ name: 'liberator', namespace: 'tkr-system', generation: 1, annotations: {}, labels: { tier: 'node' } });
    expect((result as ReturnType<typeof liberator>).spec.template).toEqual(liberator().spec.template);
    expect((result as { spec: { minReadySeconds: number } }).spec.minReadySeconds).toBe(5);
  });

  it('drops nulls inside a value the original does not have', () => {
    expect(smp({ a: 1 }, { b: { c: null, d: { e: null, f: 2 } }, g: [{ h: null }] })).toEqual({ a: 1, b: { d: { f: 2 } }, g: [{}] });
  });

  it('replaces a value of another type', () => {
    expect(smp({ a: { b: 1 }, c: [1], d: 'x' }, { a: 'now a string', c: { k: 1, z: null }, d: [1] })).toEqual({ a: 'now a string', c: { k: 1 }, d: [1] });
  });

  it('keeps __proto__ an ordinary member', () => {
    const result = smp({ a: 1 }, JSON.parse('{"__proto__":{"polluted":true},"spec":{"__proto__":{"x":1}}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(result)).toBe('{"a":1,"__proto__":{"polluted":true},"spec":{"__proto__":{"x":1}}}');
  });
});

describe('applyStrategicMergePatch: lists with a merge key', () => {
  it('merges containers by name: changes one, adds one, keeps the rest', () => {
    const original = liberator();
    original.spec.template.spec.containers.push({ name: 'sidecar', image: 'busybox', resources: { limits: { memory: '1Mi' }, requests: { cpu: '1m', memory: '1Mi' } } });
    const result = smp(original, { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'busybox:2' }, { name: 'metrics', image: 'prom' }] } } } });
    expect(podSpec(result).containers).toEqual([
      original.spec.template.spec.containers[0],
      { ...original.spec.template.spec.containers[1], image: 'busybox:2' },
      { name: 'metrics', image: 'prom' },
    ]);
  });

  it('merges env by name, ports by containerPort, volumeMounts by mountPath and volumes by name', () => {
    const pod = {
      spec: {
        containers: [{
          name: 'c',
          env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
          ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, name: 'https' }],
          volumeMounts: [{ mountPath: '/data', name: 'data' }],
        }],
        volumes: [{ name: 'data', emptyDir: {} }],
      },
    };
    const result = smp(pod, {
      spec: {
        containers: [{
          name: 'c',
          env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }],
          ports: [{ containerPort: 80, name: 'http' }],
          volumeMounts: [{ mountPath: '/data', readOnly: true }, { mountPath: '/cfg', name: 'cfg' }],
        }],
        volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }],
      },
    }) as typeof pod;
    const [container] = result.spec.containers;
    expect(container.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }]);
    expect(container.ports).toEqual([{ containerPort: 80, protocol: 'TCP', name: 'http' }, { containerPort: 443, name: 'https' }]);
    expect(container.volumeMounts).toEqual([{ mountPath: '/data', name: 'data', readOnly: true }, { mountPath: '/cfg', name: 'cfg' }]);
    // Upstream places a new element before the server-only ones that follow it.
    expect(result.spec.volumes).toEqual([{ name: 'cfg', configMap: { name: 'cfg' } }, { name: 'data', emptyDir: {} }]);
  });

  it('merges initContainers, imagePullSecrets and ownerReferences by their keys', () => {
    const original = {
      metadata: { ownerReferences: [{ uid: 'u1', name: 'a', kind: 'DaemonSet' }] },
      spec: { initContainers: [{ name: 'init', image: 'i:1' }], imagePullSecrets: [{ name: 'reg' }] },
    };
    expect(smp(original, {
      metadata: { ownerReferences: [{ uid: 'u1', controller: true }, { uid: 'u2', name: 'b' }] },
      spec: { initContainers: [{ name: 'init', image: 'i:2' }], imagePullSecrets: [{ name: 'other' }] },
    })).toEqual({
      metadata: { ownerReferences: [{ uid: 'u1', name: 'a', kind: 'DaemonSet', controller: true }, { uid: 'u2', name: 'b' }] },
      spec: { initContainers: [{ name: 'init', image: 'i:2' }], imagePullSecrets: [{ name: 'other' }, { name: 'reg' }] },
    });
  });

  it('puts patched elements in the order of the patch, server-only elements where they were', () => {
    const list = (...names: string[]) => names.map((name) => ({ name }));
    const original = { spec: { containers: [{ name: 'a' }, { name: 'b', image: 'b' }, { name: 'c' }] } };
    expect(smp(original, { spec: { containers: [{ name: 'c', image: 'c' }, { name: 'a', image: 'a' }] } })).toEqual({
      spec: { containers: [{ name: 'b', image: 'b' }, { name: 'c', image: 'c' }, { name: 'a', image: 'a' }] },
    });
    expect(smp({ spec: { containers: list('x', 'y') } }, { spec: { containers: list('y', 'x') } })).toEqual({ spec: { containers: list('y', 'x') } });
  });

  it('refuses a patch element without its merge key', () => {
    const status = statusThrownBy(() => smp(liberator(), { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }));
    expect(status).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect(status.message).toBe('map: {"image":"x"} does not contain declared merge key: name');
  });

  it('takes a list the original lacks as it is, without directive elements', () => {
    expect(smp({ spec: {} }, { spec: { containers: [{ name: 'a', image: null }, { name: 'z', $patch: 'delete' }] } })).toEqual({ spec: { containers: [{ name: 'a' }] } });
  });
});

describe('applyStrategicMergePatch: lists without a merge key', () => {
  it('replaces tolerations, args and node selector terms atomically', () => {
    const original = {
      spec: {
        tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists' }],
        containers: [{ name: 'c', args: ['--x', '--y'] }],
      },
    };
    expect(smp(original, { spec: { tolerations: [{ key: 'b', operator: 'Equal', value: 'v' }], containers: [{ name: 'c', args: ['--z'] }] } })).toEqual({
      spec: { tolerations: [{ key: 'b', operator: 'Equal', value: 'v' }], containers: [{ name: 'c', args: ['--z'] }] },
    });
  });

  it('merges finalizers as a set of scalars', () => {
    expect(smp({ metadata: { finalizers: ['a', 'b'] } }, { metadata: { finalizers: ['b', 'c'] } })).toEqual({ metadata: { finalizers: ['a', 'b', 'c'] } });
  });

  it('merges a scalar list in the order of the patch', () => {
    expect(smp({ spec: { podCIDRs: ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24'] } }, { spec: { podCIDRs: ['10.0.2.0/24', '10.0.0.0/24'] } }))
      .toEqual({ spec: { podCIDRs: ['10.0.1.0/24', '10.0.2.0/24', '10.0.0.0/24'] } });
  });
});

describe('applyStrategicMergePatch: directives', () => {
  const three = () => ({ spec: { containers: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }, { name: 'c', image: 'c' }] } });

  it('$setElementOrder reorders a list without changing it', () => {
    const result = smp(three(), { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }] } });
    expect(result).toEqual({ spec: { containers: [{ name: 'c', image: 'c' }, { name: 'a', image: 'a' }, { name: 'b', image: 'b' }] } });
  });

  it('$setElementOrder orders the merged list; a server-only element stays before what followed it live', () => {
    const original = { spec: { containers: [{ name: 'a' }, { name: 'live-only' }, { name: 'b' }] } };
    const result = smp(original, { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'new' }, { name: 'a' }], containers: [{ name: 'new', image: 'n' }] } });
    expect(result).toEqual({ spec: { containers: [{ name: 'live-only' }, { name: 'b' }, { name: 'new', image: 'n' }, { name: 'a' }] } });
  });

  it('$setElementOrder of scalars, with a deletion list', () => {
    const result = smp(
      { metadata: { finalizers: ['x', 'y', 'z'] } },
      { metadata: { '$setElementOrder/finalizers': ['z', 'x', 'w'], finalizers: ['w'], '$deleteFromPrimitiveList/finalizers': ['y'] } },
    );
    expect(result).toEqual({ metadata: { finalizers: ['z', 'x', 'w'] } });
  });

  it('$setElementOrder must list the patch elements in the same order', () => {
    const status = statusThrownBy(() =>
      smp(three(), { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'b', image: 'x' }, { name: 'a', image: 'y' }] } }));
    expect(status).toMatchObject({ code: 400 });
    expect(status.message).toContain("doesn't match $setElementOrder list");
  });

  it('$patch: delete removes list elements by merge key, every duplicate included', () => {
    const original = { spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'a', image: 'dup' }] } };
    expect(smp(original, { spec: { containers: [{ name: 'a', $patch: 'delete' }] } })).toEqual({ spec: { containers: [{ name: 'b' }] } });
  });

  it('$patch: delete on a map empties it', () => {
    expect(smp({ spec: { nodeSelector: { a: '1' }, x: 1 } }, { spec: { nodeSelector: { $patch: 'delete' } } })).toEqual({ spec: { nodeSelector: {}, x: 1 } });
  });

  it('$patch: replace on a list element replaces the whole list', () => {
    expect(smp(three(), { spec: { containers: [{ name: 'z', image: 'z' }, { $patch: 'replace' }] } })).toEqual({ spec: { containers: [{ name: 'z', image: 'z' }] } });
    expect(smp(three(), { spec: { containers: [{ $patch: 'replace' }] } })).toEqual({ spec: { containers: [] } });
  });

  it('$patch: replace on a map replaces the map', () => {
    const original = { spec: { template: { spec: { nodeSelector: { a: '1', b: '2' } } } } };
    expect(smp(original, { spec: { template: { spec: { nodeSelector: { $patch: 'replace', c: '3', d: null } } } } }))
      .toEqual({ spec: { template: { spec: { nodeSelector: { c: '3' } } } } });
  });

  it('$patch: merge is the default, in maps and in list elements', () => {
    expect(smp({ a: { b: 1 } }, { a: { $patch: 'merge', c: 2 } })).toEqual({ a: { b: 1, c: 2 } });
    expect(smp(three(), { spec: { containers: [{ $patch: 'merge' }, { name: 'b', image: 'b2' }] } }))
      .toEqual({ spec: { containers: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b2' }, { name: 'c', image: 'c' }] } });
  });

  it('refuses an unknown $patch', () => {
    expect(statusThrownBy(() => smp({ a: {} }, { a: { $patch: 'explode' } })).message).toBe('unknown patch type: "explode" in map: {}');
    expect(statusThrownBy(() => smp(three(), { spec: { containers: [{ name: 'a', $patch: 'explode' }] } })).code).toBe(400);
  });

  it('$retainKeys clears the keys it does not list', () => {
    const original = { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } } };
    expect(smp(original, { spec: { updateStrategy: { $retainKeys: ['type'], type: 'OnDelete' } } })).toEqual({ spec: { updateStrategy: { type: 'OnDelete' } } });
  });

  it('$retainKeys must list every key the patch sets', () => {
    expect(statusThrownBy(() => smp({ a: {} }, { a: { $retainKeys: ['x'], y: 1 } })).message).toBe('invalid patch format of retainKeys');
    expect(statusThrownBy(() => smp({ a: {} }, { a: { $retainKeys: 'x' } })).message).toBe('invalid patch format of retainKeys');
  });

  it('$retainKeys inside a volume of a merged list', () => {
    const original = { spec: { volumes: [{ name: 'v', emptyDir: {} }, { name: 'w', emptyDir: {} }] } };
    expect(smp(original, { spec: { volumes: [{ name: 'v', $retainKeys: ['name', 'hostPath'], hostPath: { path: '/x' } }] } }))
      .toEqual({ spec: { volumes: [{ name: 'v', hostPath: { path: '/x' } }, { name: 'w', emptyDir: {} }] } });
  });

  it('$deleteFromPrimitiveList removes scalars', () => {
    expect(smp({ metadata: { finalizers: ['a', 'b', 'c'] } }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['b', 'x'] } })).toEqual({ metadata: { finalizers: ['a', 'c'] } });
    expect(smp({ metadata: {} }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } })).toEqual({ metadata: {} });
  });

  it('refuses malformed directive keys and lists of lists', () => {
    expect(statusThrownBy(() => smp({ a: [] }, { $setElementOrder: [] })).message).toBe('invalid patch format of setElementOrder list');
    expect(statusThrownBy(() => smp({ a: [] }, { '$deleteFromPrimitiveListfinalizers': [] })).message).toBe('invalid patch format of primitive list');
    expect(statusThrownBy(() => smp({ metadata: { finalizers: [['a']] } }, { metadata: { finalizers: [['b']] } })).message).toBe('lists of lists are not supported');
  });
});

// Arbitrary JSON objects without `$` keys, so no value is read as a directive.
const key = fc.string({ maxLength: 6 }).filter((k) => !k.startsWith('$'));
const scalar = fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.boolean());
const { json } = fc.letrec((tie) => ({
  json: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('json'), { maxLength: 3 }), tie('object')),
  object: fc.dictionary(key, tie('json'), { maxKeys: 4 }),
}));
const jsonObject = fc.dictionary(key, json, { maxKeys: 5 });
const { mapPatch } = fc.letrec((tie) => ({
  mapPatchValue: fc.oneof({ depthSize: 'small' }, scalar, fc.constant(null), tie('mapPatch')),
  mapPatch: fc.dictionary(key, tie('mapPatchValue'), { maxKeys: 4 }),
}));

/** Pods whose merged lists have unique keys, as the API server keeps them. */
const container = fc.record({
  image: fc.string({ maxLength: 4 }),
  env: fc.uniqueArray(fc.record({ name: fc.string({ maxLength: 3 }), value: fc.string({ maxLength: 3 }) }), { selector: (e) => e.name, maxLength: 3 }),
  args: fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }),
});
const pod = fc.record({
  metadata: fc.record({ labels: fc.dictionary(key, fc.string({ maxLength: 3 }), { maxKeys: 3 }), finalizers: fc.uniqueArray(fc.string({ maxLength: 3 }), { maxLength: 3 }) }),
  spec: fc.record({
    containers: fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 3 }), container), { selector: ([name]) => name, maxLength: 3 })
      .map((list) => list.map(([name, rest]) => ({ name, ...rest }))),
    tolerations: fc.array(fc.record({ key: fc.string({ maxLength: 3 }), operator: fc.constantFrom('Exists', 'Equal') }), { maxLength: 2 }),
  }),
});

describe('applyStrategicMergePatch: properties', () => {
  it('an empty patch changes nothing', () => {
    fc.assert(fc.property(jsonObject, (original) => expect(smp(original, {})).toEqual(original)));
  });

  it('a patch that restates a pod changes nothing', () => {
    fc.assert(fc.property(pod, (original) => expect(smp(original, original)).toEqual(original)));
  });

  it('a patch of maps only is a JSON merge patch', () => {
    fc.assert(fc.property(jsonObject, mapPatch, (original, patch) => expect(smp(original, patch)).toEqual(applyMergePatch(original, patch))));
  });

  it('is idempotent on pods', () => {
    fc.assert(fc.property(pod, pod, (original, patch) => {
      const once = smp(original, patch);
      expect(smp(once, patch)).toEqual(once);
    }));
  });

  it('never modifies its inputs', () => {
    fc.assert(fc.property(pod, pod, (original, patch) => {
      const before = JSON.stringify([original, patch]);
      smp(original, patch);
      expect(JSON.stringify([original, patch])).toBe(before);
    }));
  });

  it('throws nothing but 400 Statuses on arbitrary input', () => {
    const anything = fc.oneof(json, fc.dictionary(fc.constantFrom('$patch', '$retainKeys', '$setElementOrder/containers', '$deleteFromPrimitiveList/finalizers', 'containers', 'finalizers', 'spec'), json));
    fc.assert(fc.property(pod, fc.record({ spec: anything, metadata: anything }), (original, patch) => {
      try {
        smp(original, patch);
      } catch (error) {
        expect(error).toBeInstanceOf(KubeStatusError);
        expect((error as KubeStatusError).status.code).toBe(400);
      }
    }));
  });
});

it('K8S_MERGE_KEYS covers the DaemonSet template and the Pod', () => {
  expect(K8S_MERGE_KEYS['spec.template.spec.containers']).toEqual({ strategy: 'merge', mergeKey: 'name' });
  expect(K8S_MERGE_KEYS['spec.template.spec.initContainers.env']).toEqual({ strategy: 'merge', mergeKey: 'name' });
  expect(K8S_MERGE_KEYS['spec.containers.ports']).toEqual({ strategy: 'merge', mergeKey: 'containerPort' });
  expect(K8S_MERGE_KEYS['spec.containers.volumeMounts']).toEqual({ strategy: 'merge', mergeKey: 'mountPath' });
  expect(K8S_MERGE_KEYS['spec.template.spec.tolerations']).toBeUndefined();
  expect(Object.isFrozen(K8S_MERGE_KEYS)).toBe(true);
});
