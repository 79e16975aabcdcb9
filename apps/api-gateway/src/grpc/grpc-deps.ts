// What the gRPC API needs from its host, kept small so the gateway can plug in its own services
// (ClusterView, CommandBus, TokenAuthenticator) and tests can build them standalone.
import type { EventStore } from '@everynode/event-store';
import type { Change, ClusterReadModel } from '@everynode/read-models';
import type { RefusalRecord } from '../auth/refusal';

export type GrpcRole = 'admin' | 'viewer' | 'node';

export interface GrpcUser {
  name: string;
  role: GrpcRole;
  /** The node a `node` token speaks for (auth/grpc-node-authorizer.ts). */
  node?: string;
}

export interface GrpcView {
  /** The cluster folded from the log; reads and watches are answered from it. */
  model: ClusterReadModel;
  /**
   * Calls `listener` after each fold with the changes it made (the model already holds their result).
   * Returns the unsubscribe function.
   */
  onChanges(listener: (changes: Change[]) => void): () => void;
  /** Resolves once `model` has folded every event committed so far (read-your-writes after a command). */
  waitForHead(): Promise<void>;
}

export interface GrpcDeps {
  /** The user a bearer token belongs to, or null. */
  authenticate(token: string): GrpcUser | null | Promise<GrpcUser | null>;
  /**
   * A NATS command (`COMMANDS.x`) whose `data` already carries `meta`. Rejects with a Kubernetes Status
   * (object or KubeStatusError) when refused; any other rejection is answered as UNAVAILABLE.
   */
  send<T>(pattern: string, data: unknown): Promise<T>;
  view: GrpcView;
  /** The event log, for the audit calls and for resuming watches. */
  store: EventStore;
  /** Told of every refused call (401, 403), to log and count it. */
  refused?(record: RefusalRecord): void;
}
