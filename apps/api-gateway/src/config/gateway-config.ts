// The gateway's configuration: the shared service settings plus where it listens (HTTPS) and where
// its certificates, tokens and kubeconfig live.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, loadConfig, type ServiceConfig } from '@everynode/platform';

export interface GatewayConfig extends ServiceConfig {
  /** Address the HTTPS server binds; loopback unless the user opens it up on purpose. */
  host: string;
  /** `EVERYNODE_HOME`: ca.crt, ca.key, server.crt, server.key, tokens.json, kubeconfig. */
  home: string;
  /** How many recent changes a watch can resume from (older resourceVersions get 410 Gone). */
  watchCacheSize: number;
}

export const DEFAULT_GATEWAY_PORT = 6443;

/** The checkout the process runs from: the nearest folder up from the entry script holding nest-cli.json. */
export function repoRoot(start = process.argv[1] ? dirname(resolve(process.argv[1])) : process.cwd()): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nest-cli.json'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

export const defaultHome = (env: NodeJS.ProcessEnv = process.env) => env.EVERYNODE_HOME || join(repoRoot(), '.everynode');

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const base = loadConfig('api-gateway', { ...env, API_GATEWAY_PORT: env.API_GATEWAY_PORT || String(DEFAULT_GATEWAY_PORT) });
  const host = env.API_GATEWAY_HOST || '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]+$/.test(host)) throw new ConfigError(`API_GATEWAY_HOST=${host} is not a host name or IP address.`);
  const raw = env.WATCH_CACHE_SIZE || '100000';
  const watchCacheSize = Number(raw);
  if (!Number.isInteger(watchCacheSize) || watchCacheSize < 100) {
    throw new ConfigError(`WATCH_CACHE_SIZE=${raw} is not valid: set it to a whole number >= 100 (default 100000).`);
  }
  return { ...base, host, home: resolve(defaultHome(env)), watchCacheSize };
}
