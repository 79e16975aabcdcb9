import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashToken, TokenAuthenticator } from '../../../api-gateway/src/auth/tokens';
import { tokenCommand } from './token.command';

describe('everynode token', () => {
  let home: string;
  let out: string[];
  let err: string[];
  const run = (...args: string[]) => tokenCommand(args, { EVERYNODE_HOME: home }, { out: (l) => out.push(l), err: (l) => err.push(l) });
  beforeEach(() => {
    home = join(mkdtempSync(join(tmpdir(), 'everynode-cli-token-')), 'home'); // not there yet: create makes it
    out = [];
    err = [];
  });
  afterEach(() => rmSync(join(home, '..'), { recursive: true, force: true }));

  it('creates a node token printed once, stored hashed, accepted by the gateway authenticator', () => {
    expect(run('create', '--role', 'node', '--node', 'k8s-node01')).toBe(0);
    const [token] = out;
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    const stored = readFileSync(join(home, 'tokens.json'), 'utf8');
    expect(stored).not.toContain(token);
    expect(stored).toContain(hashToken(token));
    expect(new TokenAuthenticator(join(home, 'tokens.json')).authenticate(token)).toEqual({ name: 'system:node:k8s-node01', role: 'node', node: 'k8s-node01' });
    expect(run('create', '--role=viewer', '--name=ada')).toBe(0);
    out = [];
    expect(run('list')).toBe(0);
    expect(out.join('\n').split('\n')).toEqual(['NAME                     ROLE     NODE', 'system:node:k8s-node01   node     k8s-node01', 'ada                      viewer   <none>']);
  });

  it('revokes by name, and refuses what makes no sense', () => {
    run('create', '--role', 'admin', '--name', 'ops');
    expect(run('revoke', 'ops')).toBe(0);
    expect(out.pop()).toBe('token "ops" revoked');
    expect(run('revoke', 'ops')).toBe(1);
    expect(run('create', '--role', 'node')).toBe(1); // no --node
    expect(run('create', '--role', 'node', '--node', 'Bad_Name')).toBe(1);
    expect(run('create', '--role', 'viewer', '--node', 'n1')).toBe(1);
    expect(run('create', '--role', 'root')).toBe(1);
    run('create', '--role', 'viewer', '--name', 'twice');
    expect(run('create', '--role', 'admin', '--name', 'twice')).toBe(1); // would lock out the holder of the first
    expect(err.pop()).toContain('revoke it first');
  });
});
