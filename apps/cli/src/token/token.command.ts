// `everynode token create|list|revoke`: the bearer tokens of the HTTPS and gRPC APIs, kept as SHA-256 hashes
// in <EVERYNODE_HOME>/tokens.json (the gateway re-reads it when it changes: no restart). A new token is
// printed once, on stdout, and is nowhere else afterwards.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { issueToken, readTokens, revokeToken, type Role, ROLES, TOKENS_FILE } from '../../../api-gateway/src/auth/tokens';
import { defaultHome } from '../../../api-gateway/src/config/gateway-config';
import { table } from '../format';

export const TOKEN_USAGE = `Tokens of the HTTPS and gRPC APIs (EVERYNODE_HOME, default <repo>/.everynode):
  everynode token create --role admin|viewer|node [--node NAME] [--name NAME]   prints the new token once
  everynode token list                         names, roles and nodes (no secrets)
  everynode token revoke NAME                  the token stops working at once`;

/** A Kubernetes node name: a DNS-1123 subdomain. */
const NODE_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9:._@-]{0,252}$/;

export interface TokenIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const stdio: TokenIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** `args` after `token`; flags as `--role node` or `--role=node`. Returns the exit code. */
export function tokenCommand(args: string[], env: NodeJS.ProcessEnv = process.env, io: TokenIo = stdio): number {
  const [sub, ...rest] = args;
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(rest[i]);
    if (!m) positional.push(rest[i]);
    else flags[m[1]] = m[2] ?? rest[++i] ?? '';
  }
  const home = defaultHome(env);
  const file = join(home, TOKENS_FILE);
  const fail = (message: string) => (io.err(message), 1);

  switch (sub) {
    case 'create': {
      const role = flags.role as Role;
      if (!ROLES.includes(role)) return fail(`--role must be one of ${ROLES.join(', ')}\n\n${TOKEN_USAGE}`);
      const node = flags.node;
      if (role === 'node' && !(node && NODE_NAME.test(node))) return fail('--node NAME (a node name: lower-case letters, digits, "-" and ".") is required for --role node');
      if (role !== 'node' && node !== undefined) return fail('--node is only for --role node');
      const name = flags.name ?? (role === 'node' ? `system:node:${node}` : `${role}-${randomBytes(3).toString('hex')}`);
      if (!TOKEN_NAME.test(name)) return fail(`--name ${JSON.stringify(name)}: use letters, digits, ':', '.', '_', '@' and '-'`);
      mkdirSync(home, { recursive: true, mode: 0o700 });
      // Replacing a token by name would lock out whoever holds the old one: make that a revoke first.
      if (readTokens(file).some((e) => e.name === name)) return fail(`a token named "${name}" exists; revoke it first (everynode token revoke ${name})`);
      io.out(issueToken(file, name, role, node));
      io.err(`token "${name}" (${role === 'node' ? `node ${node}` : role}) added to ${file}; it is shown only now`);
      return 0;
    }
    case 'list': {
      const entries = readTokens(file);
      io.out(table(['NAME', 'ROLE', 'NODE'], entries.map((e) => [e.name, e.role, e.node ?? '<none>'])));
      return 0;
    }
    case 'revoke': {
      const [name] = positional;
      if (!name) return fail(`revoke needs the token's NAME (everynode token list)`);
      if (!revokeToken(file, name)) return fail(`no token named "${name}" in ${file}`);
      io.out(`token "${name}" revoked`);
      return 0;
    }
    default:
      return fail(TOKEN_USAGE);
  }
}
