// The requests the API fuzzer sends: manifests (create, replace), patches of every flavour, and list,
// watch and delete requests with odd query strings. Each arbitrary yields a ready-to-send request.
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { Sent } from './kube-client';
import { contentTypeFor, encode, type Encoding, encoding, mutate, mutation, oddKey, oddValue, pathSegment, pathsOf, segment } from './mutations';

export const NAMESPACE = 'tkr-system';
/** Names fuzzed DaemonSets take: few, so creates collide (409) and replaces find their object. */
export const DS_NAMES = ['liberator', 'fuzz-a', 'fuzz-b', 'fuzz-c', 'fuzz-d', 'fuzz-e', 'fuzz-f', 'fuzz-g', 'fuzz-h'];
export const NODES = ['k8s-node01', 'k8s-node02'];

const DS_COLLECTION = (ns: string) => `/apis/apps/v1/namespaces/${ns}/daemonsets`;

const dnsLabel = fc.stringMatching(/^[a-z]([-a-z0-9]{0,8}[a-z0-9])?$/);
const labelValue = fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,8}[A-Za-z0-9])?$/);
const labelKey = fc.oneof(dnsLabel, fc.tuple(dnsLabel, dnsLabel).map(([p, n]) => `${p}.example.com/${n}`));
const quantity = fc.constantFrom('100m', '1', '250m', '64Mi', '1Gi', '0.5', '2G');

const container = fc.record(
  {
    name: dnsLabel,
    image: fc.constantFrom('nginx:1.27', 'busybox', 'registry.example.com/team/agent:1.2.3', 'maho/liberator:0.1'),
    args: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
    env: fc.uniqueArray(fc.record({ name: fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,8}$/), value: fc.string({ maxLength: 12 }) }), { selector: (e) => e.name, maxLength: 3 }),
    ports: fc.uniqueArray(fc.record({ containerPort: fc.integer({ min: 1, max: 65535 }), protocol: fc.constantFrom('TCP', 'UDP') }), {
      selector: (p) => `${p.containerPort}/${p.protocol}`,
      maxLength: 2,
    }),
    resources: fc.record({ requests: fc.record({ cpu: quantity }), limits: fc.record({ memory: quantity }) }, { requiredKeys: [] }),
  },
  { requiredKeys: ['name', 'image'] },
);

/** A DaemonSet a user could well write (everynode may still refuse a few: that is an answer too). */
export const validDaemonSet = fc
  .record({
    name: fc.constantFrom(...DS_NAMES.slice(1)),
    app: labelValue,
    labels: fc.dictionary(labelKey, labelValue, { maxKeys: 3 }),
    annotations: fc.dictionary(labelKey, fc.string({ maxLength: 30 }), { maxKeys: 2 }),
    containers: fc.uniqueArray(container, { selector: (c) => c.name, minLength: 1, maxLength: 3 }),
    nodeSelector: fc.option(fc.dictionary(labelKey, labelValue, { maxKeys: 2 }), { nil: undefined }),
    tolerations: fc.option(fc.array(fc.record({ key: labelKey, operator: fc.constantFrom('Exists', 'Equal'), effect: fc.constantFrom('NoSchedule', 'NoExecute', '') }), { maxLength: 2 }), { nil: undefined }),
    strategy: fc.option(fc.constantFrom({ type: 'OnDelete' }, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%' } }, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }), { nil: undefined }),
    minReadySeconds: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
  })
  .map((d) => ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: d.name, namespace: NAMESPACE, labels: { ...d.labels, app: d.app }, annotations: d.annotations },
    spec: {
      selector: { matchLabels: { app: d.app } },
      template: {
        metadata: { labels: { ...d.labels, app: d.app } },
        spec: {
          containers: d.containers,
          ...(d.nodeSelector ? { nodeSelector: d.nodeSelector } : {}),
          ...(d.tolerations ? { tolerations: d.tolerations.map((t) => (t.operator === 'Exists' ? { key: t.key, operator: t.operator, effect: t.effect } : { ...t, value: 'v' })) } : {}),
        },
      },
      ...(d.strategy ? { updateStrategy: d.strategy } : {}),
      ...(d.minReadySeconds !== undefined ? { minReadySeconds: d.minReadySeconds } : {}),
    },
  }));

/** A valid DaemonSet, or the liberator manifest, with 0-3 mutations. */
const manifest = (liberator: object) =>
  fc
    .tuple(fc.oneof(fc.constant(liberator), validDaemonSet), fc.array(mutation, { maxLength: 3 }))
    .map(([doc, mutations]) => mutations.reduce<unknown>((d, m) => mutate(d, m), doc));

const odd = (w: number) => fc.option(fc.constantFrom('dryRun=All', 'fieldValidation=Strict', 'fieldValidation=Ignore', 'fieldManager=fuzz', 'pretty=true', 'dryRun=garbage', 'fieldValidation=%zz', '%=%'), { freq: w, nil: undefined });
const query = (q: string | undefined) => (q ? `?${q}` : '');
/** Stands for the Content-Type that fits the body's encoding. */
const RIGHT_TYPE = 'the right one';

export const manifestCase = (liberator: object): fc.Arbitrary<Sent> =>
  fc
    .record({
      verb: fc.constantFrom('create', 'replace'),
      ownName: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      ns: segment([NAMESPACE, NAMESPACE, NAMESPACE, NAMESPACE, NAMESPACE, NAMESPACE, 'default', 'ghost']),
      name: segment(DS_NAMES),
      doc: manifest(liberator),
      how: encoding,
      seed: fc.nat(),
      contentType: contentTypeFor([RIGHT_TYPE]),
      extra: odd(3),
    })
    .map(({ verb, ownName, ns, name, doc, how, seed, contentType, extra }) => {
      // A replace mostly names the object its body names (else it is only a name mismatch).
      const named = (doc as { metadata?: { name?: unknown } } | null)?.metadata?.name;
      const target = ownName && typeof named === 'string' && named ? pathSegment(named) : name;
      const body = encode(doc, how, seed);
      const right = how.startsWith('yaml') || how === 'multi-document' || (how === 'bom' && seed % 2 === 0) || (how === 'byte-flip' && seed % 2 === 0) ? 'application/yaml' : 'application/json';
      const type = contentType === RIGHT_TYPE ? right : contentType;
      return verb === 'create'
        ? { method: 'POST', path: `${DS_COLLECTION(ns)}${query(extra)}`, body, contentType: type }
        : { method: 'PUT', path: `${DS_COLLECTION(ns)}/${target}${query(extra)}`, body, contentType: type };
    });

/** Namespaces and nodes created from mutated bodies (node names from a small pool, so few join). */
export const clusterObjectCase: fc.Arbitrary<Sent> = fc
  .record({
    kind: fc.constantFrom('Namespace', 'Node'),
    name: fc.oneof(fc.constantFrom('fuzz-ns', 'fuzz-node-1', 'fuzz-node-2', 'a'.repeat(64), 'a.b', 'UPPER', ''), dnsLabel),
    labels: fc.dictionary(fc.oneof(labelKey, oddKey), fc.oneof(labelValue, oddValue), { maxKeys: 3 }),
    taints: fc.array(fc.record({ key: fc.oneof(labelKey, oddKey), value: fc.oneof(labelValue, oddValue), effect: fc.constantFrom('NoSchedule', 'NoExecute', 'Sometimes', '') }), { maxLength: 2 }),
    mutations: fc.array(mutation, { maxLength: 2 }),
    how: encoding,
    seed: fc.nat(),
  })
  .map(({ kind, name, labels, taints, mutations, how, seed }) => {
    const node = kind === 'Node';
    const doc = mutations.reduce<unknown>((d, m) => mutate(d, m), {
      apiVersion: 'v1',
      kind,
      metadata: { name: node ? `fuzz-node-${seed % 3}` : name, labels },
      ...(node ? { spec: { taints, podCIDR: '10.99.0.0/24' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.9' }] } } : {}),
    });
    return { method: 'POST', path: node ? '/api/v1/nodes' : '/api/v1/namespaces', body: encode(doc, how, seed), contentType: how.startsWith('yaml') ? 'application/yaml' : 'application/json' };
  });

// ---- patches ----

const STRATEGIC = 'application/strategic-merge-patch+json';
const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';
const APPLY = 'application/apply-patch+yaml';

/** A sparse object along one path of `base`, ending in an odd value: what merge patches send. */
function sparse(base: unknown, pick: number, value: unknown): unknown {
  const paths = pathsOf(base).filter((p) => p.length > 0);
  const path = paths[pick % paths.length] ?? ['metadata'];
  let v = value;
  for (let i = path.length - 1; i >= 0; i--) {
    const k = path[i];
    v = typeof k === 'number' ? [{ name: 'liberator', ...(v && typeof v === 'object' && !Array.isArray(v) ? v : { image: v }) }] : { [k]: v };
  }
  return v;
}

const directive = fc.oneof(
  fc.record({ $patch: fc.constantFrom('delete', 'replace', 'merge', 'garbage', 1, null) }),
  fc.record({ '$setElementOrder/containers': fc.oneof(fc.constant([{ name: 'liberator' }]), fc.array(oddValue, { maxLength: 3 }), oddValue) }),
  fc.record({ $retainKeys: fc.oneof(fc.constant(['type']), oddValue) }),
  fc.record({ '$deleteFromPrimitiveList/args': oddValue }),
  fc.record({ containers: fc.array(fc.oneof(fc.record({ name: oddValue, image: oddValue }), oddValue, fc.record({ $patch: fc.constant('delete'), name: fc.constant('liberator') })), { maxLength: 3 }) }),
);

const strategicPatch = (liberator: object) =>
  fc.oneof(
    fc.record({ pick: fc.nat(), value: oddValue }).map(({ pick, value }) => sparse(liberator, pick, value)),
    fc.record({ pick: fc.nat(), value: directive }).map(({ pick, value }) => sparse({ spec: { template: { spec: {} } }, metadata: {} }, pick, value)),
    directive.map((d) => ({ spec: { template: { spec: d } } })),
    directive,
    fc.jsonValue({ maxDepth: 4 }),
  );

const pointer = (liberator: object) =>
  fc.oneof(
    fc.nat().map((n) => {
      const paths = pathsOf(liberator);
      return `/${paths[n % paths.length].map((k) => String(k).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
    }),
    fc.constantFrom('', '/', '/spec/template/spec/containers/-', '/spec/template/spec/containers/99', '/spec/template/spec/containers/-1', '/metadata/labels/a~1b', '/metadata/~2', 'spec', '/spec//x', '/metadata/labels/__proto__', '/__proto__/polluted'),
    fc.string({ maxLength: 20 }),
  );

const jsonPatchOp = (liberator: object) =>
  fc.record(
    { op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'Add', '', 'garbage'), path: pointer(liberator), from: pointer(liberator), value: oddValue },
    { requiredKeys: ['op', 'path'] },
  );

export const patchCase = (liberator: object): fc.Arbitrary<Sent> =>
  fc
    .record({
      target: fc.constantFrom('ds', 'ds', 'ds', 'ds-status', 'ds-missing', 'node', 'node', 'node-missing', 'namespace'),
      flavour: fc.constantFrom(STRATEGIC, MERGE, JSON_PATCH, APPLY),
      strategic: strategicPatch(liberator),
      ops: fc.oneof({ weight: 5, arbitrary: fc.array(jsonPatchOp(liberator), { maxLength: 4 }) }, { weight: 1, arbitrary: oddValue }),
      applied: manifest(liberator),
      labels: fc.dictionary(fc.oneof(labelKey, oddKey), fc.oneof(labelValue, oddValue), { maxKeys: 3 }),
      how: fc.constantFrom<Encoding>('json', 'json', 'json', 'json', 'json', 'json', 'json', 'truncated', 'deep-json', 'byte-flip', 'empty', 'huge-number'),
      seed: fc.nat(),
      contentType: fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: contentTypeFor(['application/json']) }),
      extra: odd(4),
      fieldManager: fc.boolean(),
    })
    .map(({ target, flavour, strategic, ops, applied, labels, how, seed, contentType, extra, fieldManager }) => {
      const path = {
        ds: `${DS_COLLECTION(NAMESPACE)}/liberator`,
        'ds-status': `${DS_COLLECTION(NAMESPACE)}/liberator/status`,
        'ds-missing': `${DS_COLLECTION(NAMESPACE)}/nope`,
        node: `/api/v1/nodes/${NODES[seed % 2]}`,
        'node-missing': '/api/v1/nodes/nope',
        namespace: `/api/v1/namespaces/${NAMESPACE}`,
      }[target]!;
      const onNode = target.startsWith('node');
      let doc: unknown;
      if (flavour === JSON_PATCH) doc = onNode && seed % 2 ? [{ op: 'add', path: `/metadata/labels/${String(Object.keys(labels)[0] ?? 'k').replace(/\//g, '~1')}`, value: Object.values(labels)[0] ?? 'v' }] : ops;
      else if (flavour === APPLY) doc = onNode ? { apiVersion: 'v1', kind: 'Node', metadata: { labels } } : applied;
      else doc = onNode ? { metadata: { labels }, ...(seed % 3 === 0 ? { spec: { taints: [oddTaint(seed)] } } : {}) } : strategic;
      const body = flavour === APPLY && how === 'json' && seed % 2 ? Buffer.from(stringify(doc ?? null)) : encode(doc, how, seed);
      const params = [extra, flavour === APPLY && fieldManager ? 'fieldManager=fuzz' : undefined].filter(Boolean).join('&');
      return { method: 'PATCH', path: `${path}${query(params)}`, body, contentType: contentType === undefined ? flavour : contentType };
    });

const ODD_TAINTS: unknown[] = [null, 1, 'x', {}, { key: 'k', effect: 'NoSchedule', value: 5 }, { key: '', effect: 'NoSchedule' }, { key: 'k', effect: 'Sometimes' }, { key: 'a/b/c', effect: 'NoExecute' }];
const oddTaint = (seed: number) => ODD_TAINTS[seed % ODD_TAINTS.length];

// ---- queries ----

const PARAMS: Record<string, string[]> = {
  labelSelector: ['app=liberator', 'name in (liberator,x)', '!name', 'a!=b,c', 'x>1', '=', ',', 'a in (', 'a=b=c', '(((', 'a==', 'k notin ()', 'a/b/c=d', `${'k'.repeat(70)}=v`, 'a=\u00e9'],
  fieldSelector: ['metadata.name=liberator', 'metadata.namespace!=x', 'spec.nodeName=k8s-node01', 'status.phase=Running', 'metadata.name', 'a=b', 'metadata.name=a\\', 'metadata.name=a,b', '=', 'metadata.name==x', 'spec.unschedulable=true'],
  limit: ['1', '2', '500', '0', '-1', '1.5', 'abc', '1e3', '99999999999999999999', '', ' 5', '0x10', '100000'],
  continue: ['', 'abc', '%%%', 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MSwic3RhcnQiOiJ4In0', 'eyJ9', 'bnVsbA', 'e30', 'eyJydiI6LTF9', 'eyJydiI6MSwic3RhcnQiOjV9', 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MSwic3RhcnQiOiJ0a3Itc3lzdGVtL2xpYmVyYXRvciJ9'],
  watch: ['true', 'false', '1', '0', 'yes', 'TRUE', ''],
  resourceVersion: ['0', '1', '', '-1', 'abc', '99999999999', '1.5', '18446744073709551616', '00', ' 1'],
  resourceVersionMatch: ['NotOlderThan', 'Exact', 'garbage', ''],
  timeoutSeconds: ['0', '1', '-1', 'abc', '1.5', '99999999999'],
  allowWatchBookmarks: ['true', 'x'],
  includeObject: ['None', 'Metadata', 'Object', 'All', ''],
  propagationPolicy: ['Background', 'Foreground', 'Orphan', 'garbage', '', 'orphan'],
  orphanDependents: ['true', 'false', 'x'],
  gracePeriodSeconds: ['0', '-1', 'x'],
  dryRun: ['All', 'garbage', ''],
  sendInitialEvents: ['true', 'x'],
  pretty: ['true'],
};

const queryString = fc
  .dictionary(fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...Object.keys(PARAMS)) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }), fc.nat(), { maxKeys: 4 })
  .chain((params) =>
    fc.tuple(
      ...Object.entries(params).map(([k, n]) => {
        const known = PARAMS[k] as string[] | undefined;
        return (known ? fc.oneof({ weight: 4, arbitrary: fc.constant(known[n % known.length]) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 16 }) }) : fc.string({ maxLength: 8 })).map(
          (v) => `${pathSegment(k)}=${pathSegment(v)}${n % 17 === 0 ? '%zz' : ''}`, // sometimes a broken escape
        );
      }),
    ),
  )
  .map((pairs) => pairs.join('&'));

/** Now and then a query string far longer than any client sends (an endless selector). */
const longQuery = fc.record({ key: fc.constantFrom('labelSelector', 'fieldSelector', 'continue', 'x'), length: fc.integer({ min: 10_000, max: 80_000 }) }).map(({ key, length }) => `${key}=${'a'.repeat(length)}`);

const ACCEPTS = [
  'application/json',
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
  'application/json;as=Table;v=v2;g=meta.k8s.io',
  'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
  'application/vnd.kubernetes.protobuf',
  'text/html',
  '*/*',
  ';;;,,,',
  'application/json;as=Table;v=v1;g=meta.k8s.io;q=abc',
];

export const queryCase: fc.Arbitrary<Sent> = fc
  .record({
    method: fc.constantFrom('GET', 'GET', 'GET', 'GET', 'DELETE'),
    resource: fc.constantFrom(
      `${DS_COLLECTION(NAMESPACE)}`, '/apis/apps/v1/daemonsets', `/apis/apps/v1/watch/namespaces/${NAMESPACE}/daemonsets`, `${DS_COLLECTION(NAMESPACE)}/liberator`,
      `/api/v1/namespaces/${NAMESPACE}/pods`, '/api/v1/pods', '/api/v1/nodes', '/api/v1/nodes/k8s-node01', '/api/v1/namespaces', '/api/v1/watch/nodes',
      `/api/v1/namespaces/${NAMESPACE}/events`,
    ),
    victim: fc.constantFrom(...DS_NAMES.slice(1), 'nope'),
    q: fc.oneof({ weight: 30, arbitrary: queryString }, { weight: 1, arbitrary: longQuery }),
    accept: fc.option(fc.constantFrom(...ACCEPTS), { nil: undefined }),
    body: fc.option(fc.oneof(fc.record({ propagationPolicy: oddValue }, { requiredKeys: [] }), fc.record({ preconditions: oddValue, orphanDependents: oddValue }, { requiredKeys: [] }), oddValue), { nil: undefined }),
  })
  .map(({ method, resource, victim, q, accept, body }) => {
    const headers = accept ? { Accept: accept } : undefined;
    if (method === 'DELETE') {
      // Never the DaemonSet patches aim at; a deletecollection only as a dry run or in an empty namespace.
      const path = resource.includes('/daemonsets') && !resource.includes('/watch/')
        ? `${DS_COLLECTION(NAMESPACE)}/${victim}`
        : '/apis/apps/v1/namespaces/scratch/daemonsets';
      return { method, path: `${path}?${q}`, headers, ...(body !== undefined ? { body: JSON.stringify(body) ?? 'null', contentType: 'application/json' } : {}) };
    }
    return { method, path: `${resource}?${q}`, headers };
  });
