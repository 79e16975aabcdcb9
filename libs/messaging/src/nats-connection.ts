import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@nestjs/common';

/**
 * Who a process is to NATS (config/nats/everynode.conf gives each service a user and its subjects).
 * None for a server without auth, as the local NATS of `npm start` and CI.
 */
export interface NatsAuth {
  user?: string;
  pass?: string;
  token?: string;
  /** A `.creds` file (user JWT and NKey seed), for operator/JWT-mode servers. */
  credsFile?: string;
}

/**
 * From the environment: `<prefix>CREDS` (a file), `<prefix>TOKEN`, or `<prefix>USER` + `<prefix>PASSWORD`, in
 * that order; undefined when none is set. The relay reads `NATS_RELAY_` (see Relay), everything else `NATS_`.
 */
export function natsAuthFromEnv(env: NodeJS.ProcessEnv = process.env, prefix = 'NATS_'): NatsAuth | undefined {
  const credsFile = env[`${prefix}CREDS`];
  const token = env[`${prefix}TOKEN`];
  const user = env[`${prefix}USER`];
  if (credsFile) return { credsFile };
  if (token) return { token };
  if (user) return { user, pass: env[`${prefix}PASSWORD`] ?? '' };
  return undefined;
}

function authOptions(auth: NatsAuth | undefined): Partial<ConnectionOptions> {
  if (auth?.credsFile) return { authenticator: credsAuthenticator(readFileSync(auth.credsFile)) };
  if (auth?.token) return { token: auth.token };
  if (auth?.user) return { user: auth.user, pass: auth.pass ?? '' };
  return {};
}

/**
 * Services outlive NATS restarts: keep reconnecting forever, also before the first connection.
 * Credentials default to the environment's (NATS_USER …), so every client of a process is the same user.
 */
export function connectNats(servers: string, name: string, auth: NatsAuth | undefined = natsAuthFromEnv()): Promise<NatsConnection> {
  return connect({
    servers: servers.split(',').map((s) => s.trim()),
    name,
    maxReconnectAttempts: -1,
    waitOnFirstConnect: true,
    reconnectTimeWait: 500,
    ...authOptions(auth),
  });
}

/** Logs connection state changes until the connection closes. */
export async function logStatus(nc: NatsConnection, logger: Logger): Promise<void> {
  for await (const s of nc.status()) {
    // An error is e.g. a permissions violation: name it, it says which subject the user may not use.
    if (s.type === 'error') logger.warn(`NATS error: ${s.error.message}`);
    else if (s.type === 'disconnect') logger.warn('NATS disconnect');
    else if (s.type === 'reconnect') logger.log('NATS reconnected');
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const encodeJson = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));
export const decodeJson = <T>(data: Uint8Array): T => JSON.parse(decoder.decode(data)) as T;
