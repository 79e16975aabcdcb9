// The kubeconfig kubectl and client libraries use: cluster `everynode` (server + CA), user `admin`
// (its token, whose hash is in tokens.json), context `everynode`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ensurePki, type ServerPki } from './pki';
import { hashToken, issueToken, readTokens, TOKENS_FILE } from './tokens';

export const KUBECONFIG_FILE = 'kubeconfig';

export interface KubeconfigInput {
  server: string;
  caCertPem: string;
  user: string;
  token: string;
  name?: string;
}

export function renderKubeconfig({ server, caCertPem, user, token, name = 'everynode' }: KubeconfigInput): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'certificate-authority-data': Buffer.from(caCertPem).toString('base64') } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name, context: { cluster: name, user } }],
    'current-context': name,
    preferences: {},
  });
}

/** The token of `user` in an existing kubeconfig, if any. */
function tokenIn(file: string, user: string): string | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const doc = parse(readFileSync(file, 'utf8')) as { users?: { name: string; user?: { token?: string } }[] };
    return doc?.users?.find((u) => u.name === user)?.user?.token;
  } catch {
    return undefined;
  }
}

/**
 * Writes `<home>/kubeconfig` for the admin user. The token already there is kept while tokens.json
 * still accepts it (so restarts do not invalidate copies of the file); otherwise a new one is issued.
 */
export function ensureAdminKubeconfig(home: string, server: string, caCertPem: string): string {
  const file = join(home, KUBECONFIG_FILE);
  const tokensFile = join(home, TOKENS_FILE);
  const existing = tokenIn(file, 'admin');
  const valid = existing && readTokens(tokensFile).some((e) => e.name === 'admin' && e.role === 'admin' && e.sha256 === hashToken(existing));
  const token = valid ? existing : issueToken(tokensFile, 'admin', 'admin');
  const text = renderKubeconfig({ server, caCertPem, user: 'admin', token });
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text, { mode: 0o600 });
  return file;
}

export interface Credentials {
  pki: ServerPki;
  kubeconfig: string;
  tokensFile: string;
}

/** Everything the gateway (and `npm start`) needs under `home`: certificates, tokens, kubeconfig. */
export function ensureCredentials(home: string, opts: { port: number; host?: string }): Credentials {
  const host = opts.host && !['0.0.0.0', '::'].includes(opts.host) ? opts.host : '127.0.0.1';
  const pki = ensurePki(home, [host]);
  const serverHost = host.includes(':') ? `[${host}]` : host;
  const kubeconfig = ensureAdminKubeconfig(home, `https://${serverHost}:${opts.port}`, pki.caCertPem);
  return { pki, kubeconfig, tokensFile: join(home, TOKENS_FILE) };
}
