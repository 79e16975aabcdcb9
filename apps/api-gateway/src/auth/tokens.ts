// Bearer tokens: `tokens.json` holds only their SHA-256 (a leaked file grants nothing); the plaintext
// exists only in the kubeconfig handed to the user. The file is re-read when it changes, so adding a
// token needs no restart.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';

/** admin: everything; viewer: get, list, watch; node: its own Node and the pods on it (see node-authorizer.ts). */
export type Role = 'admin' | 'viewer' | 'node';
export const ROLES: readonly Role[] = ['admin', 'viewer', 'node'];

export interface TokenEntry {
  name: string;
  role: Role;
  sha256: string;
  /** The node a `node` token speaks for. */
  node?: string;
}

export interface User {
  name: string;
  role: Role;
  node?: string;
}

export const TOKENS_FILE = 'tokens.json';

export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
export const newToken = () => randomBytes(32).toString('hex');

export function readTokens(file: string): TokenEntry[] {
  if (!existsSync(file)) return [];
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(parsed)) throw new Error(`${file} must hold a JSON array of { name, role, sha256 }`);
  return parsed.filter(
    (e): e is TokenEntry =>
      typeof e?.name === 'string' &&
      ROLES.includes(e.role) &&
      typeof e.sha256 === 'string' &&
      /^[0-9a-f]{64}$/.test(e.sha256) &&
      // A node token without its node would be a token for no node: never valid.
      (e.role !== 'node' || (typeof e.node === 'string' && e.node !== '')),
  );
}

/** Written aside and renamed: a reader never sees half a file, and the new inode marks the change. */
export function writeTokens(file: string, entries: TokenEntry[]): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(entries, null, 2) + '\n', { mode: 0o600 });
  renameSync(temp, file);
}

/** Adds (or replaces, by name) a token and returns its plaintext. `node` is required for the node role. */
export function issueToken(file: string, name: string, role: Role, node?: string): string {
  if (role === 'node' && !node) throw new Error('a node token needs the node it speaks for');
  const token = newToken();
  const entry: TokenEntry = { name, role, sha256: hashToken(token), ...(role === 'node' ? { node } : {}) };
  writeTokens(file, [...readTokens(file).filter((e) => e.name !== name), entry]);
  return token;
}

/** Removes the token named `name`; false when there was none. */
export function revokeToken(file: string, name: string): boolean {
  const entries = readTokens(file);
  const kept = entries.filter((e) => e.name !== name);
  if (kept.length === entries.length) return false;
  writeTokens(file, kept);
  return true;
}

/** Who a bearer token belongs to, from a tokens file it re-reads whenever the file changes. */
export class TokenAuthenticator {
  private byHash = new Map<string, User>();
  /** inode, mtime and size: a rename (writeTokens) or an edit within one clock tick both change it. */
  private loadedVersion = '';

  constructor(private readonly file: string) {}

  authenticate(token: string): User | null {
    this.reloadIfChanged();
    return this.byHash.get(hashToken(token)) ?? null;
  }

  private reloadIfChanged(): void {
    let version: string;
    try {
      const stat = statSync(this.file);
      version = `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
    } catch {
      this.byHash.clear();
      this.loadedVersion = '';
      return;
    }
    if (version === this.loadedVersion) return;
    try {
      this.byHash = new Map(readTokens(this.file).map((e) => [e.sha256, { name: e.name, role: e.role, ...(e.node ? { node: e.node } : {}) }]));
      this.loadedVersion = version;
    } catch {
      // A half-written file: keep the tokens we knew and try again on the next request.
    }
  }
}
