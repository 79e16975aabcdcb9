// Configuration from the environment, with safe local defaults, validated at start so a mistake
// is reported as "set X" instead of a stack trace minutes later.
import { natsAuthFromEnv } from '@everynode/messaging';

export interface ServiceConfig {
  service: string;
  /** Runtime connections (as the service's least-privilege role). */
  databaseUrl: string;
  /** Migrations: `MIGRATION_DATABASE_URL`, a role that may create schemas and roles; default DATABASE_URL. */
  migrationDatabaseUrl: string;
  natsUrl: string;
  /** Subject prefix: several stacks (and every test file) share one NATS server without crosstalk. */
  natsPrefix: string;
  httpPort: number;
  resyncIntervalMs: number;
  /** Slots (DaemonSets × nodes) one slice of the periodic resync looks at; the rest waits for later passes. */
  resyncSliceSlots: number;
  leaseDurationMs: number;
  /** How long a node may stay unreachable before it is removed (0 = never), see README. */
  nodeGcAfterMs: number;
  logLevel: string;
  /** Whether this process contends for the relay (one is active at a time). */
  relay: boolean;
  /** Random characters of a generated pod name (Kubernetes: 5); fewer only to make name collisions likely in tests. */
  podNameRandomLength: number;
}

export const DEFAULT_PORTS: Record<string, number> = {
  'node-registry': 8081,
  'daemonset-spec': 8082,
  scheduler: 8083,
};

/** Env var holding each service's HTTP port (health, readiness, metrics). */
export const portVariable = (service: string) => `${service.toUpperCase().replace(/-/g, '_')}_PORT`;

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${name}=${raw} is not valid: set it to a whole number >= ${min} (default ${fallback}).`);
  }
  return value;
}

function url(env: NodeJS.ProcessEnv, name: string, fallback: string, protocols: string[]): string {
  const raw = env[name] || fallback;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name}=${raw} is not a URL: set it like ${fallback}.`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name}=${raw} must use ${protocols.join(' or ')} (like ${fallback}).`);
  }
  return raw;
}

export function loadConfig(service: string, env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const prefix = env.NATS_PREFIX || 'everynode';
  if (!/^[A-Za-z0-9_-]+$/.test(prefix)) {
    throw new ConfigError(`NATS_PREFIX=${prefix} may only hold letters, digits, '_' and '-'.`);
  }
  const databaseUrl = url(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/everynode', ['postgres:', 'postgresql:']);
  return {
    service,
    databaseUrl,
    migrationDatabaseUrl: url(env, 'MIGRATION_DATABASE_URL', databaseUrl, ['postgres:', 'postgresql:']),
    natsUrl: url(env, 'NATS_URL', 'nats://127.0.0.1:4222', ['nats:', 'tls:']),
    natsPrefix: prefix,
    httpPort: int(env, portVariable(service), DEFAULT_PORTS[service] ?? 8080),
    resyncIntervalMs: int(env, 'RESYNC_INTERVAL_MS', 30_000, 100),
    resyncSliceSlots: int(env, 'RESYNC_SLICE_SLOTS', 10_000, 1),
    leaseDurationMs: int(env, 'NODE_LEASE_DURATION_MS', 40_000, 100),
    nodeGcAfterMs: int(env, 'NODE_GC_AFTER_MS', 300_000),
    logLevel: env.LOG_LEVEL || 'log',
    podNameRandomLength: int(env, 'POD_NAME_RANDOM_LENGTH', 5, 1),
    // The scheduler writes most of the log; the relay reads it back and publishes it. Keeping the relay in the
    // other services puts that work on the other core instead of the scheduler's event loop.
    // With NATS credentials but none for the relay (NATS_RELAY_USER …), a process could not publish events
    // (config/nats/everynode.conf lets only the relay user): it would hold the relay lock and publish nothing.
    relay: env.RELAY ? env.RELAY !== 'off' : service !== 'scheduler' && (!natsAuthFromEnv(env) || !!natsAuthFromEnv(env, 'NATS_RELAY_')),
  };
}
