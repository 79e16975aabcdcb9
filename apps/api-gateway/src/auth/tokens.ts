// Bearer tokens: `tokens.json` holds only their SHA-256 (a leaked file grants nothing); the plaintext
// exists only in the kubeconfig handed to the user. The file is re-read when it changes, so adding a
// token needs no restart.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';

export type Role = 'admin' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'viewer'];

export interface TokenEntry {
  name: string;
  role: Role;
  sha256: string;
}

export interface User {
  name: string;
  role: Role;
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
      typeof e?.name === 'string' && ROLES.includes(e.role) && typeof e.sha256 === 'string' && /^[0-9a-f]{64}$/.test(e.sha256),
  );
}

export function writeTokens(file: string, entries: TokenEntry[]): void {
  writeFileSync(file, JSON.stringify(entries, null, 2) + '\n', { mode: 0o600 });
}

/** Adds (or replaces, by name) a token and returns its plaintext. */
export function issueToken(file: string, name: string, role: Role): string {
  const token = newToken();
  writeTokens(file, [...readTokens(file).filter((e) => e.name !== name), { name, role, sha256: hashToken(token) }]);
  return token;
}

/** Who a bearer token belongs to, from a tokens file it re-reads whenever the file changes. */
export class TokenAuthenticator {
  private byHash = new Map<string, User>();
  private loadedMtime = -1;

  constructor(private readonly file: string) {}

  authenticate(token: string): User | null {
    this.reloadIfChanged();
    return this.byHash.get(hashToken(token)) ?? null;
  }

  private reloadIfChanged(): void {
    let mtime: number;
    try {
      mtime = statSync(this.file).mtimeMs;
    } catch {
      this.byHash.clear();
      this.loadedMtime = -1;
      return;
    }
    if (mtime === this.loadedMtime) return;
    try {
      this.byHash = new Map(readTokens(this.file).map((e) => [e.sha256, { name: e.name, role: e.role }]));
      this.loadedMtime = mtime;
    } catch {
      // A half-written file: keep the tokens we knew and try again on the next request.
    }
  }
}
