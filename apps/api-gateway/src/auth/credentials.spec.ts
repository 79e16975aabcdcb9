import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { authorize } from './authorize';
import { ensureCredentials } from './kubeconfig';
import { hashToken, issueToken, readTokens, revokeToken, TokenAuthenticator } from './tokens';

interface Kubeconfig {
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { name: string; user: { token: string } }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  'current-context': string;
}

describe('credentials under EVERYNODE_HOME', () => {
  let home: string;
  beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'everynode-home-'))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const kubeconfig = () => parse(readFileSync(join(home, 'kubeconfig'), 'utf8')) as Kubeconfig;

  it('makes a CA, a server certificate it signs for 127.0.0.1 and localhost, an admin token and a kubeconfig', () => {
    const { pki } = ensureCredentials(home, { port: 6443 });
    const ca = new X509Certificate(pki.caCertPem);
    const server = new X509Certificate(pki.certPem);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.serialNumber).toMatch(/^[0-7]/); // positive, as Go's x509 requires

    const config = kubeconfig();
    expect(config['current-context']).toBe('everynode');
    expect(config.contexts).toEqual([{ name: 'everynode', context: { cluster: 'everynode', user: 'admin' } }]);
    expect(config.clusters[0].name).toBe('everynode');
    expect(config.clusters[0].cluster.server).toBe('https://127.0.0.1:6443');
    expect(Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(pki.caCertPem);
    const token = config.users[0].user.token;
    expect(token).toMatch(/^[0-9a-f]{64}$/);

    // Only the hash is stored; the plaintext is nowhere but in the kubeconfig.
    expect(readTokens(join(home, 'tokens.json'))).toEqual([{ name: 'admin', role: 'admin', sha256: hashToken(token) }]);
    expect(readFileSync(join(home, 'tokens.json'), 'utf8')).not.toContain(token);
    expect(statSync(join(home, 'ca.key')).mode & 0o077).toBe(0);
    expect(statSync(join(home, 'kubeconfig')).mode & 0o077).toBe(0);
  });

  it('reuses what exists: same CA, same certificate, same token; a new port only changes the server URL', () => {
    const first = ensureCredentials(home, { port: 6443 });
    const token = kubeconfig().users[0].user.token;
    const second = ensureCredentials(home, { port: 7443 });
    expect(second.pki).toEqual(first.pki);
    expect(kubeconfig().users[0].user.token).toBe(token);
    expect(kubeconfig().clusters[0].cluster.server).toBe('https://127.0.0.1:7443');
  });

  it('issues a new admin token when tokens.json no longer accepts the kubeconfig one', () => {
    ensureCredentials(home, { port: 6443 });
    const old = kubeconfig().users[0].user.token;
    writeFileSync(join(home, 'tokens.json'), '[]');
    ensureCredentials(home, { port: 6443 });
    const renewed = kubeconfig().users[0].user.token;
    expect(renewed).not.toBe(old);
    expect(new TokenAuthenticator(join(home, 'tokens.json')).authenticate(renewed)).toEqual({ name: 'admin', role: 'admin' });
  });

  it('adds a host the certificate does not name yet, signed by the same CA', () => {
    const first = ensureCredentials(home, { port: 6443 });
    const second = ensureCredentials(home, { port: 6443, host: '10.1.2.3' });
    expect(second.pki.caCertPem).toBe(first.pki.caCertPem);
    expect(new X509Certificate(second.pki.certPem).checkIP('10.1.2.3')).toBe('10.1.2.3');
    expect(kubeconfig().clusters[0].cluster.server).toBe('https://10.1.2.3:6443');
  });
});

describe('TokenAuthenticator', () => {
  let home: string;
  beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'everynode-tokens-'))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('knows a token added to tokens.json while it runs, and forgets a removed one', () => {
    const file = join(home, 'tokens.json');
    const auth = new TokenAuthenticator(file);
    const admin = issueToken(file, 'admin', 'admin');
    expect(auth.authenticate(admin)).toEqual({ name: 'admin', role: 'admin' });
    expect(auth.authenticate('nope')).toBeNull();
    const viewer = issueToken(file, 'viewer', 'viewer');
    utimesSync(file, new Date(), new Date(Date.now() + 5000)); // a distinct mtime even within one clock tick
    expect(auth.authenticate(viewer)).toEqual({ name: 'viewer', role: 'viewer' });
    writeFileSync(file, JSON.stringify(readTokens(file).filter((t) => t.name !== 'viewer')));
    utimesSync(file, new Date(), new Date(Date.now() + 10000));
    expect(auth.authenticate(viewer)).toBeNull();
    expect(auth.authenticate(admin)).toEqual({ name: 'admin', role: 'admin' });
  });

  it('knows node tokens with their node, forgets a revoked token at once (a rename: no mtime tick needed)', () => {
    const file = join(home, 'tokens.json');
    const auth = new TokenAuthenticator(file);
    const kubelet = issueToken(file, 'system:node:n1', 'node', 'n1');
    expect(auth.authenticate(kubelet)).toEqual({ name: 'system:node:n1', role: 'node', node: 'n1' });
    expect(readTokens(file)).toEqual([{ name: 'system:node:n1', role: 'node', sha256: hashToken(kubelet), node: 'n1' }]);
    expect(revokeToken(file, 'system:node:n1')).toBe(true);
    expect(revokeToken(file, 'system:node:n1')).toBe(false);
    expect(auth.authenticate(kubelet)).toBeNull();
    expect(() => issueToken(file, 'x', 'node')).toThrow('a node token needs the node it speaks for');
  });

  it('ignores entries with an unknown role or a malformed hash', () => {
    const file = join(home, 'tokens.json');
    writeFileSync(
      file,
      JSON.stringify([
        { name: 'root', role: 'god', sha256: hashToken('x') },
        { name: 'bad', role: 'admin', sha256: 'xyz' },
        { name: 'nodeless', role: 'node', sha256: hashToken('x') },
      ]),
    );
    expect(new TokenAuthenticator(file).authenticate('x')).toBeNull();
  });
});

describe('authorize', () => {
  const viewer = { name: 'viewer', role: 'viewer' as const };
  it('lets a viewer read anything', () => {
    for (const url of ['/api/v1/nodes', '/apis/apps/v1/namespaces/a/daemonsets/b', '/api/v1/pods?watch=true', '/apis', '/openapi/v3']) {
      expect(authorize(viewer, 'GET', url)).toBeNull();
    }
  });

  it('refuses every write of a viewer with the authorizer wording', () => {
    expect(authorize(viewer, 'DELETE', '/apis/apps/v1/namespaces/tkr-system/daemonsets/liberator')!.status).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message: 'daemonsets.apps "liberator" is forbidden: User "viewer" cannot delete resource "daemonsets" in API group "apps" in the namespace "tkr-system"',
    });
    expect(authorize(viewer, 'PATCH', '/api/v1/nodes/n1')!.status.message).toBe(
      'nodes "n1" is forbidden: User "viewer" cannot patch resource "nodes" in API group "" at the cluster scope',
    );
    expect(authorize(viewer, 'POST', '/api/v1/namespaces')!.status.message).toBe(
      'namespaces is forbidden: User "viewer" cannot create resource "namespaces" in API group "" at the cluster scope',
    );
  });

  it('lets an admin do anything', () => {
    expect(authorize({ name: 'admin', role: 'admin' }, 'DELETE', '/api/v1/nodes/n1')).toBeNull();
  });
});
