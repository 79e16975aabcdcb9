// GrpcDeps built from a database URL, NATS and a token table: for tests and a gRPC server without the
// gateway. The gateway passes its own ClusterView, CommandBus and TokenAuthenticator instead.
import { createHash } from 'node:crypto';
import { EventStore } from '@everynode/event-store';
import { JetStreamClient, request } from '@everynode/messaging';
import { createDataSource } from '@everynode/platform';
import type { GrpcDeps, GrpcUser } from './grpc-deps';
import { LogView } from './log-view';

export interface StandaloneGrpcDepsOptions {
  databaseUrl: string;
  natsUrl: string;
  /** NATS subject prefix of the stack (NATS_PREFIX). */
  prefix: string;
  /** Plaintext bearer token → its user. Only their hashes are kept. */
  tokens: Record<string, GrpcUser>;
  commandTimeoutMs?: number;
}

export interface StandaloneGrpcDeps extends GrpcDeps {
  close(): Promise<void>;
}

const sha256 = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export async function createStandaloneGrpcDeps(opts: StandaloneGrpcDepsOptions): Promise<StandaloneGrpcDeps> {
  const users = new Map(Object.entries(opts.tokens).map(([token, user]) => [sha256(token), user]));
  const dataSource = await createDataSource({ url: opts.databaseUrl, appRole: true, poolSize: 4 });
  const store = new EventStore(dataSource);
  const client = new JetStreamClient({ servers: opts.natsUrl, prefix: opts.prefix, timeoutMs: opts.commandTimeoutMs ?? 15_000 });
  const view = new LogView(store);
  try {
    await client.connect();
    await view.start();
  } catch (error) {
    await Promise.allSettled([view.stop(), client.close(), dataSource.destroy()]);
    throw error;
  }
  return {
    authenticate: (token) => users.get(sha256(token)) ?? null,
    send: <T>(pattern: string, data: unknown) => request<T>(client, pattern, data),
    view,
    store,
    async close() {
      await view.stop();
      await client.close();
      await dataSource.destroy();
    },
  };
}
