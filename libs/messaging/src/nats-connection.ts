import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@nestjs/common';

/** Services outlive NATS restarts: keep reconnecting forever, also before the first connection. */
export function connectNats(servers: string, name: string): Promise<NatsConnection> {
  return connect({
    servers: servers.split(',').map((s) => s.trim()),
    name,
    maxReconnectAttempts: -1,
    waitOnFirstConnect: true,
    reconnectTimeWait: 500,
  });
}

/** Logs connection state changes until the connection closes. */
export async function logStatus(nc: NatsConnection, logger: Logger): Promise<void> {
  for await (const s of nc.status()) {
    if (s.type === 'disconnect' || s.type === 'error') logger.warn(`NATS ${s.type}`);
    else if (s.type === 'reconnect') logger.log('NATS reconnected');
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const encodeJson = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));
export const decodeJson = <T>(data: Uint8Array): T => JSON.parse(decoder.decode(data)) as T;
