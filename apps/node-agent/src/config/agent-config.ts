// SIM_NODES is a count ("500" -> sim-node-00001 …) or a comma-separated list of names.
export interface AgentConfig {
  natsUrl: string;
  natsPrefix: string;
  httpPort: number;
  nodes: string[];
  heartbeatIntervalMs: number;
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

export function loadAgentConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const interval = Number(env.HEARTBEAT_INTERVAL_MS ?? 10_000);
  if (!Number.isInteger(interval) || interval < 50) throw new Error(`HEARTBEAT_INTERVAL_MS=${env.HEARTBEAT_INTERVAL_MS} must be a whole number >= 50`);
  return {
    natsUrl: env.NATS_URL || 'nats://127.0.0.1:4222',
    natsPrefix: env.NATS_PREFIX || 'everynode',
    httpPort: Number(env.NODE_AGENT_PORT || 8084),
    nodes: parseSimNodes(env.SIM_NODES),
    heartbeatIntervalMs: interval,
  };
}
