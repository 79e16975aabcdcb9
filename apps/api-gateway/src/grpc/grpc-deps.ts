// What the gRPC API needs from its host, kept small so the gateway can plug in its own services
// (ClusterView, CommandBus, TokenAuthenticator) and tests can build them standalone.
import type { EventStore } from '@everynode/event-store';
import type { Change, ClusterReadModel } from '@everynode/read-models';

export type GrpcRole = 'admin' | 'viewer';

export interface GrpcUser {
  name: string;
  role: GrpcRole;
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
}
