// SIM_NODES is a count ("500" -> sim-node-00001 …) or a comma-separated list of names.
import { hostname } from 'node:os';

export interface AgentConfig {
  natsUrl: string;
  natsPrefix: string;
  httpPort: number;
  nodes: string[];
  heartbeatIntervalMs: number;
  /** Names this agent's durable consumer (`node-agent-<id>`): every agent process has its own. */
  agentId: string;
  /** Pending -> Running after this long, ±20% per pod. */
  podStartDelayMs: number;
  /** Image substrings whose pods go Running, then Failed (for tests and benchmarks). */
  failImages: string[];
  /**
   * How often every node's pods are listed again, as a safety net: the pod events come from a durable JetStream
   * consumer, which misses nothing; lists at start and after a reconnect cover restarts and outages.
   */
  relistIntervalMs: number;
}

export function parseSimNodes(raw: string | undefined): string[] {
  const value = (raw ?? 'k8s-node01,k8s-node02').trim();
  if (/^\d+$/.test(value)) {
    const count = Number(value);
    const width = Math.max(5, String(count).length);
    return Array.from({ length: count }, (_, i) => `sim-node-${String(i + 1).padStart(width, '0')}`);
  }
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name}=${env[name]} must be a whole number >= ${min}`);
  return value;
}

/** A JetStream consumer name allows no dots, wildcards or spaces; host names may have dots. */
const consumerSafe = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '-');

export function loadAgentConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const httpPort = Number(env.NODE_AGENT_PORT || 8084);
  const agentId = env.AGENT_ID || consumerSafe(`${hostname()}-${httpPort}`);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(agentId)) throw new Error(`AGENT_ID=${agentId} must be 1-64 letters, digits, '-' or '_'`);
  return {
    natsUrl: env.NATS_URL || 'nats://127.0.0.1:4222',
    natsPrefix: env.NATS_PREFIX || 'everynode',
    httpPort,
    nodes: parseSimNodes(env.SIM_NODES),
    heartbeatIntervalMs: wholeNumber(env, 'HEARTBEAT_INTERVAL_MS', 10_000, 50),
    agentId,
    podStartDelayMs: wholeNumber(env, 'POD_START_DELAY_MS', 3000, 0),
    failImages: (env.POD_FAIL_IMAGES ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    relistIntervalMs: wholeNumber(env, 'POD_RELIST_INTERVAL_MS', 300_000, 100),
  };
}
