// The API's limits, each refused with the Status a Kubernetes user knows (code, reason, message,
// causes) and nothing appended to the log: body size, object size, YAML aliases and nesting, JSON
// nesting, label and annotation sizes (DaemonSets and node patches), names, and list pages.
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { COMMANDS } from '@everynode/contracts';
import { EventStore } from '@everynode/event-store';
import { meta, waitFor } from '../support/stack';
import { GatewayTestbed, LIBERATOR, waitForOutput } from '../gateway/support/gateway-testbed';
import { type Answer, KubeClient, type Sent } from './support/kube-client';

const NS = 'tkr-system';
const DS = `/apis/apps/v1/namespaces/${NS}/daemonsets`;
const JSON_TYPE = 'application/json';
const MiB = 1024 * 1024;
/** The failure Status every refusal here has, around its own code, reason, message and details. */
const status = (code: number, reason: string, message: unknown, details?: object) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  ...(details ? { details } : {}),
  code,
});
const invalidCause = (field: string, message: string) => ({ reason: 'FieldValueInvalid', message, field });
const longKey = (prefix: number, name: number) => `${prefix ? `${subdomain(prefix)}/` : ''}${'n'.repeat(name)}`;
/** A valid DNS subdomain of exactly `length` characters: labels of 63 joined by dots, the last one shorter. */
function subdomain(length: number): string {
  let name = 'p'.repeat(Math.min(63, length));
  while (name.length < length) name += `.${'p'.repeat(Math.min(63, length - name.length - 1))}`;
  return name;
}
const QUALIFIED_NAME_ERROR =
  "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
  "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') " +
  "with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";

describe('limits', () => {
  let bed: GatewayTestbed;
  let api: KubeClient;
  let store: EventStore;
  const liberator = parse(readFileSync(LIBERATOR, 'utf8')) as { metadata: Record<string, unknown>; spec: { template: { metadata: { labels: Record<string, string> }; spec: { containers: Record<string, unknown>[] } } } };
  /** The liberator manifest with `change` applied to a copy. */
  const manifest = (change: (m: typeof liberator) => void = () => undefined) => {
    const m = structuredClone(liberator);
    change(m);
    return m;
  };
  const post = (body: unknown, contentType = JSON_TYPE): Sent => ({ method: 'POST', path: DS, body: typeof body === 'string' ? body : JSON.stringify(body), contentType });

  beforeAll(async () => {
    bed = await GatewayTestbed.start('fuzz_limits', { WATCH_CACHE_SIZE: '100' });
    api = new KubeClient(bed.port, bed.caPem, bed.adminToken, 2, 20_000);
    store = new EventStore(bed.stack.db.adminDataSource);
    await bed.join('k8s-node01');
    expect((await api.send({ method: 'POST', path: '/api/v1/namespaces', body: JSON.stringify({ metadata: { name: NS } }), contentType: JSON_TYPE })).status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    api?.close();
    await bed?.teardown();
  });

  /** Sends `req`, expects exactly `expected` back, and that nothing it could have caused reached the log. */
  async function refused(req: Sent, expected: ReturnType<typeof status>): Promise<Answer> {
    const before = await store.headPosition();
    const answer = await api.send(req);
    expect({ status: answer.status, body: JSON.parse(answer.text) }).toEqual({ status: expected.code, body: expected });
    // Pods being placed for earlier DaemonSets and node leases running out may append meanwhile.
    const appended = (await store.readAll({ after: before })).map((e) => e.type).filter((t) => !t.startsWith('Pod') && t !== 'NodeReadinessChanged');
    expect(appended).toEqual([]);
    return answer;
  }

  it('a body over 3 MiB is 413 RequestEntityTooLarge, sized or chunked; an object too large for the log is 413 too', async () => {
    const tooLarge = status(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    const body = Buffer.alloc(3 * MiB + 1, 0x20);
    await refused({ method: 'POST', path: DS, body, contentType: JSON_TYPE }, tooLarge);
    await refused({ method: 'POST', path: DS, body, contentType: JSON_TYPE, chunked: true }, tooLarge);
    await refused({ method: 'PATCH', path: '/api/v1/nodes/k8s-node01', body, contentType: 'application/merge-patch+json', chunked: true }, tooLarge);

    // Under 3 MiB, but more than one NATS message (1 MiB) can carry to the spec service: refused by the gateway.
    const twoMiB = manifest((m) => (m.spec.template.spec.containers[0].args = Array.from({ length: 16 }, () => 'x'.repeat(128 * 1024))));
    await refused(post(twoMiB), status(413, 'RequestEntityTooLarge', expect.stringMatching(/^Request entity too large: the object is \d+ bytes, the limit is \d+$/)));
    // Small enough to send, too large to store in one event: refused by the spec service.
    const nineHundredKiB = manifest((m) => (m.spec.template.spec.containers[0].args = Array.from({ length: 9 }, () => 'x'.repeat(100 * 1024))));
    await refused(post(nineHundredKiB), status(413, 'RequestEntityTooLarge', expect.stringMatching(/^Request entity too large: the DaemonSet is \d+ bytes, the limit is 786432$/)));
    // The same connection still answers.
    expect((await api.send({ method: 'GET', path: DS })).status).toBe(200);
  });

  it('YAML: a few aliases resolve, an alias bomb is refused, and so is YAML nested past 100 levels (the process survives)', async () => {
    const withAnchors = [
      'apiVersion: apps/v1', 'kind: DaemonSet', 'metadata: {name: anchored}', 'spec:', '  selector:', '    matchLabels: &labels {name: anchored}',
      '  template:', '    metadata:', '      labels: *labels', '    spec:', '      containers: [{name: c, image: nginx}]',
    ].join('\n');
    const created = await api.send(post(withAnchors, 'application/yaml'));
    expect(created.status).toBe(201);
    expect(JSON.parse(created.text).spec.template.metadata.labels).toEqual({ name: 'anchored' });

    const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i <= 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const aliasing = status(400, 'BadRequest', 'error decoding YAML: yaml: document contains excessive aliasing');
    await refused(post(bomb.join('\n'), 'application/yaml'), aliasing);
    await refused({ method: 'PATCH', path: `${DS}/anchored?fieldManager=limits`, body: bomb.join('\n'), contentType: 'application/apply-patch+yaml' }, aliasing);

    const tooDeep = status(400, 'BadRequest', 'error decoding YAML: yaml: exceeded max depth of 100');
    for (const deep of [`a: ${'['.repeat(20_000)}`, `a: ${'['.repeat(101)}${']'.repeat(101)}`, Array.from({ length: 1500 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')]) {
      await refused(post(deep, 'application/yaml'), tooDeep);
      await refused({ method: 'PATCH', path: `${DS}/anchored?fieldManager=limits`, body: deep, contentType: 'application/apply-patch+yaml' }, tooDeep);
    }
    expect((await bed.request('GET', '/readyz', { token: null })).status).toBe(200);
  });

  it('JSON bodies nested past 100 levels are refused before anything walks them, in creates and in every patch', async () => {
    const tooDeep = status(400, 'BadRequest', "couldn't get version/kind; json parse error: exceeded max depth of 100");
    const deep = (levels: number) => `{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"deep"},"spec":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;
    await refused(post(deep(101)), tooDeep);
    await refused(post(deep(1_000_000)), tooDeep);
    for (const type of ['application/merge-patch+json', 'application/strategic-merge-patch+json']) {
      await refused({ method: 'PATCH', path: `${DS}/anchored`, body: deep(5000), contentType: type }, tooDeep);
    }
    await refused({ method: 'PATCH', path: `${DS}/anchored`, body: `[{"op":"add","path":"/spec/x","value":${'['.repeat(5000)}${']'.repeat(5000)}}]`, contentType: 'application/json-patch+json' }, tooDeep);
    // At the limit the body is read, and then refused for what it says (a spec is not a list).
    expect((await api.send(post(deep(100)))).status).toBe(400);
  });

  it('DaemonSet labels and annotations: key prefix 253, name 63, value 63 characters; annotations 256 KiB in all', async () => {
    const invalid = (name: string, causes: { field: string; message: string }[]) =>
      status(422, 'Invalid', `DaemonSet.apps "${name}" is invalid: ${causes.length === 1 ? `${causes[0].field}: ${causes[0].message}` : `[${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}]`}`, {
        name,
        group: 'apps',
        kind: 'DaemonSet',
        causes: causes.map((c) => invalidCause(c.field, c.message)),
      });
    const labelled = (labels: Record<string, string>) => manifest((m) => (m.metadata.labels = labels));

    const longName = longKey(0, 64);
    await refused(post(labelled({ [longName]: 'v' })), invalid('liberator', [{ field: 'metadata.labels', message: `Invalid value: "${longName}": name part must be no more than 63 characters` }]));
    const longPrefix = longKey(254, 1);
    await refused(post(labelled({ [longPrefix]: 'v' })), invalid('liberator', [{ field: 'metadata.labels', message: `Invalid value: "${longPrefix}": prefix part must be no more than 253 characters` }]));
    await refused(post(labelled({ app: 'v'.repeat(64) })), invalid('liberator', [{ field: 'metadata.labels', message: `Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters` }]));
    // The template's labels obey the same rules; upstream names the field without `metadata` (ValidatePodTemplateSpec).
    const template = manifest((m) => (m.spec.template.metadata.labels = { ...m.spec.template.metadata.labels, tier: 'v'.repeat(64) }));
    await refused(post(template), invalid('liberator', [{ field: 'spec.template.labels', message: `Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters` }]));

    const annotations = (bytes: number) => ({ 'example.com/blob': 'a'.repeat(bytes - 'example.com/blob'.length) });
    const tooLong = manifest((m) => (m.metadata.annotations = annotations(262_145)));
    await refused(post(tooLong), status(422, 'Invalid', 'DaemonSet.apps "liberator" is invalid: metadata.annotations: Too long: must have at most 262144 bytes', {
      name: 'liberator',
      group: 'apps',
      kind: 'DaemonSet',
      causes: [{ reason: 'FieldValueTooLong', message: 'Too long: must have at most 262144 bytes', field: 'metadata.annotations' }],
    }));

    // Exactly at every limit is accepted.
    const atLimits = manifest((m) => {
      m.metadata.labels = { [longKey(253, 63)]: 'v'.repeat(63) };
      m.metadata.annotations = annotations(262_144);
    });
    expect((await api.send(post(atLimits))).status).toBe(201);
  });

  it('node label patches: the same label limits, and taints checked as the API server checks them', async () => {
    const node = '/api/v1/nodes/k8s-node01';
    const invalid = (causes: { field: string; message: string }[]) =>
      status(422, 'Invalid', `Node "k8s-node01" is invalid: ${causes.length === 1 ? `${causes[0].field}: ${causes[0].message}` : `[${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}]`}`, {
        name: 'k8s-node01',
        kind: 'Node',
        causes: causes.map((c) => invalidCause(c.field, c.message)),
      });
    const label = (labels: Record<string, unknown>): Sent => ({ method: 'PATCH', path: node, body: JSON.stringify({ metadata: { labels } }), contentType: 'application/merge-patch+json' });

    const longName = longKey(0, 64);
    await refused(label({ [longName]: 'x' }), invalid([{ field: 'metadata.labels', message: `Invalid value: "${longName}": name part must be no more than 63 characters` }]));
    const longPrefix = longKey(254, 1);
    await refused(label({ [longPrefix]: 'x' }), invalid([{ field: 'metadata.labels', message: `Invalid value: "${longPrefix}": prefix part must be no more than 253 characters` }]));
    await refused(label({ tier: 'v'.repeat(64) }), invalid([{ field: 'metadata.labels', message: `Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters` }]));
    // (kubectl label checks values itself; a patch reaches the server.)
    const kubectl = await bed.kubectl(['patch', 'node', 'k8s-node01', '--type=merge', '-p', JSON.stringify({ metadata: { labels: { tier: 'v'.repeat(64) } } })]);
    expect(kubectl.stderr).toContain(`The Node "k8s-node01" is invalid: metadata.labels: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`);

    const taint = (taints: unknown): Sent => ({ method: 'PATCH', path: node, body: JSON.stringify({ spec: { taints } }), contentType: 'application/merge-patch+json' });
    await refused(taint([{ key: 'a/b/c', effect: 'NoSchedule' }]), invalid([{ field: 'spec.taints[0].key', message: `Invalid value: "a/b/c": ${QUALIFIED_NAME_ERROR}` }]));
    await refused(taint([{ key: 'k', effect: 'Sometimes' }]), invalid([{ field: 'spec.taints[0].effect', message: 'Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"' }]));

    const atLimits = label({ [longKey(253, 63)]: 'v'.repeat(63) });
    expect((await api.send(atLimits)).status).toBe(200);
  });

  it('names: a DaemonSet name is a DNS subdomain of at most 253 characters (its pods get 63), a namespace a DNS label of 63, a node a subdomain', async () => {
    const tooLong = 'd'.repeat(254);
    await refused(post(manifest((m) => (m.metadata.name = tooLong))), status(422, 'Invalid', `DaemonSet.apps "${tooLong}" is invalid: metadata.name: Invalid value: "${tooLong}": must be no more than 253 characters`, {
      name: tooLong,
      group: 'apps',
      kind: 'DaemonSet',
      causes: [invalidCause('metadata.name', `Invalid value: "${tooLong}": must be no more than 253 characters`)],
    }));
    const longest = subdomain(253);
    expect(longest).toHaveLength(253);
    const longestDs = manifest((m) => {
      m.metadata.name = longest;
      (m.spec as unknown as { selector: object }).selector = { matchLabels: { name: 'longest' } };
      m.spec.template.metadata.labels = { name: 'longest' };
    });
    const created = await api.send(post(longestDs));
    expect(created.status).toBe(201);
    const pods = await waitForOutput(
      async () => (await api.send({ method: 'GET', path: `/api/v1/namespaces/${NS}/pods?labelSelector=name%3Dlongest` })).text,
      (text) => JSON.parse(text).items.length > 0,
    );
    for (const pod of JSON.parse(pods).items) expect(pod.metadata.name).toMatch(new RegExp(`^${longest.slice(0, 58)}[a-z0-9]{5}$`));

    const longNs = 'n'.repeat(64);
    await refused({ method: 'POST', path: '/api/v1/namespaces', body: JSON.stringify({ metadata: { name: longNs } }), contentType: JSON_TYPE }, status(422, 'Invalid', `Namespace "${longNs}" is invalid: metadata.name: Invalid value: "${longNs}": must be no more than 63 characters`, {
      name: longNs,
      kind: 'Namespace',
      causes: [invalidCause('metadata.name', `Invalid value: "${longNs}": must be no more than 63 characters`)],
    }));
    const kubectl = await bed.kubectl(['create', 'namespace', 'with.dots']);
    expect(kubectl.stderr).toContain('The Namespace "with.dots" is invalid: metadata.name: Invalid value: "with.dots": must not contain dots');

    // Found by the API fuzzer: a node is labelled kubernetes.io/hostname=<name>, and a label value has at most 63 characters.
    const hostname = 'h'.repeat(64);
    await refused({ method: 'POST', path: '/api/v1/nodes', body: JSON.stringify({ metadata: { name: hostname } }), contentType: JSON_TYPE }, status(422, 'Invalid', `Node "${hostname}" is invalid: metadata.labels: Invalid value: "${hostname}": must be no more than 63 characters`, {
      name: hostname,
      kind: 'Node',
      causes: [invalidCause('metadata.labels', `Invalid value: "${hostname}": must be no more than 63 characters`)],
    }));
    const longNode = 'k'.repeat(254);
    await refused({ method: 'POST', path: '/api/v1/nodes', body: JSON.stringify({ metadata: { name: longNode } }), contentType: JSON_TYPE }, status(422, 'Invalid', `Node "${longNode}" is invalid: metadata.name: Invalid value: "${longNode}": must be no more than 253 characters`, {
      name: longNode,
      kind: 'Node',
      causes: [invalidCause('metadata.name', `Invalid value: "${longNode}": must be no more than 253 characters`)],
    }));
  });

  it('lists page with limit and continue; a limit above 500 is capped; odd tokens, limits and resourceVersions are 4xx', async () => {
    const list = async (query: string) => {
      const answer = await api.send({ method: 'GET', path: `/api/v1/namespaces?${query}` });
      expect(answer.status).toBe(200);
      return JSON.parse(answer.text) as { metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number }; items: { metadata: { name: string } }[] };
    };
    const first = await list('limit=2');
    expect(first.items).toHaveLength(2);
    expect(first.metadata).toEqual({ resourceVersion: expect.stringMatching(/^\d+$/), continue: expect.any(String), remainingItemCount: expect.any(Number) });

    // More than 500 namespaces (fast, straight to the spec service), then every page of them.
    const names = Array.from({ length: 520 }, (_, i) => `ns-${String(i).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 40) await Promise.all(names.slice(i, i + 40).map((name) => bed.stack.send(COMMANDS.namespaceCreate, { meta: meta(), name })));
    // Created behind the gateway's back: wait until its view (folded from the log) holds every one of them.
    const expected = first.items.length + first.metadata.remainingItemCount! + names.length;
    const all = (await waitFor('every namespace in the gateway’s view', async () => {
      const items = (await list('')).items;
      return items.length === expected && items;
    })).map((n) => n.metadata.name);
    expect(all.length).toBeGreaterThan(520);
    const capped = await list('limit=100000');
    expect(capped.items).toHaveLength(500);
    expect(capped.metadata.remainingItemCount).toBe(all.length - 500);
    const paged: string[] = [];
    let token: string | undefined;
    do {
      const page = await list(`limit=200${token ? `&continue=${token}` : ''}`);
      paged.push(...page.items.map((n) => n.metadata.name));
      token = page.metadata.continue;
    } while (token);
    expect(paged).toEqual(all);
    // kubectl pages too (--chunk-size), as plain lists and as Tables, and gets every one.
    expect((await bed.ok(['get', 'namespaces', '--chunk-size=100', '-o', 'name'])).trim().split('\n')).toHaveLength(all.length);
    expect((await bed.ok(['get', 'namespaces', '--chunk-size=100', '--no-headers'])).trim().split('\n')).toHaveLength(all.length);

    // The first token is now older than the watch cache (100 changes): 410, as after etcd's compaction.
    await refused({ method: 'GET', path: `/api/v1/namespaces?limit=2&continue=${first.metadata.continue}` }, status(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'));
    await refused({ method: 'GET', path: '/api/v1/namespaces?limit=2&continue=%25%25' }, status(400, 'BadRequest', 'continue key is not valid: illegal base64 data at input byte 0'));
    await refused({ method: 'GET', path: `/api/v1/namespaces?continue=${capped.metadata.continue}&resourceVersion=5` }, status(400, 'BadRequest', 'specifying resource version is not allowed when using continue'));
    await refused({ method: 'GET', path: '/api/v1/namespaces?limit=abc' }, status(400, 'BadRequest', 'limit: Invalid value: "abc": strconv.ParseInt: parsing "abc": invalid syntax'));
    const tooLarge = status(400, 'BadRequest', expect.stringMatching(/^Too large resource version: 99999999999, current: \d+$/), {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    });
    await refused({ method: 'GET', path: '/api/v1/namespaces?resourceVersion=99999999999' }, tooLarge);
    await refused({ method: 'GET', path: '/api/v1/namespaces?watch=true&resourceVersion=99999999999' }, tooLarge);
  });

  it('a 100 KB query string is read like any other; headers over 1 MiB are a 431 Status, not a bare 431', async () => {
    const selector = `app=${'a'.repeat(100_000)}`;
    await refused({ method: 'GET', path: `/api/v1/namespaces?labelSelector=${selector}` }, status(400, 'BadRequest', expect.stringMatching(/^unable to parse requirement: values\[0\]\[app\]: Invalid value: "a+": must be no more than 63 characters/)));
    await refused(
      { method: 'GET', path: '/api/v1/namespaces', headers: { 'X-Padding': 'p'.repeat(MiB + 1) } },
      status(431, 'RequestHeaderFieldsTooLarge', 'Request Header Fields Too Large: the request line and headers may have at most 1048576 bytes'),
    );
  });

  it('a watch asked for a huge timeoutSeconds stays open (a timer that long would fire at once)', async () => {
    const ended = await new Promise<boolean>((resolve, reject) => {
      const req = httpsRequest(
        { host: '127.0.0.1', port: bed.port, path: '/api/v1/namespaces?watch=true&timeoutSeconds=99999999999', ca: bed.caPem, headers: { Authorization: `Bearer ${bed.adminToken}` } },
        (res) => {
          let done = false;
          res.on('end', () => (done = true));
          res.resume();
          setTimeout(() => {
            req.destroy();
            resolve(done);
          }, 1500);
        },
      );
      req.once('error', reject); // after resolve() (the destroy) it changes nothing
      req.end();
    });
    expect(ended).toBe(false);
  });
});
