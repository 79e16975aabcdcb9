// Turns async functions into grpc-js handlers: authentication and the admin check first, then the call;
// any failure leaves as the gRPC status of its Kubernetes Status. Streams end when the client cancels
// or the server stops.
import { randomUUID } from 'node:crypto';
import type { handleServerStreamingCall, handleUnaryCall, ServerUnaryCall, ServerWritableStream } from '@grpc/grpc-js';
import { isKubeStatus, KubeStatusError, serviceUnavailable } from '@everynode/contracts';
import type { CommandMeta } from '@everynode/contracts';
import { authorizeNodeCall } from '../auth/grpc-node-authorizer';
import { Refusal } from '../auth/refusal';
import type { GrpcDeps, GrpcUser } from './grpc-deps';
import { forbidden, toGrpcError, unauthenticated } from './grpc-errors';

/** `write` calls change the cluster and need the admin role; `read` calls any valid token but a node's (its own rules). */
export type Access = 'read' | 'write';

export interface CallContext {
  user: GrpcUser;
  /** `/everynode.v1.DaemonSets/Apply` */
  method: string;
  /** Sends a NATS command as this user, then waits until the read model shows its effects. */
  command<T>(pattern: string, payload: Record<string, unknown>): Promise<T>;
}

export interface StreamContext<M> extends CallContext {
  /** Aborted when the client cancels or the server stops. */
  signal: AbortSignal;
  /** Writes and waits while the client is slow (or until the stream is aborted). */
  send(message: M): Promise<void>;
  /** Writes without waiting (live watch events: they are few and must not reorder). */
  write(message: M): void;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export class CallHandlers {
  private readonly streams = new Set<AbortController>();

  constructor(private readonly deps: GrpcDeps) {}

  unary<Req, Res>(access: Access, fn: (request: Req, ctx: CallContext) => Promise<Res>): handleUnaryCall<Req, Res> {
    return (call, callback) => {
      this.context(call, access)
        .then((ctx) => fn(call.request, ctx))
        .then(
          (response) => callback(null, response),
          (error) => callback(toGrpcError(error)),
        );
    };
  }

  serverStream<Req, Res>(access: Access, fn: (request: Req, ctx: StreamContext<Res>) => Promise<void>): handleServerStreamingCall<Req, Res> {
    return (call) => {
      const controller = new AbortController();
      this.streams.add(controller);
      call.on('cancelled', () => controller.abort());
      this.context(call, access)
        .then((ctx) =>
          fn(call.request, {
            ...ctx,
            signal: controller.signal,
            send: (message) => writeWhenReady(call, message, controller.signal),
            write: (message) => void call.write(message),
          }),
        )
        .then(
          () => !call.cancelled && call.end(),
          (error) => !call.cancelled && call.emit('error', toGrpcError(error)),
        )
        .finally(() => this.streams.delete(controller));
    };
  }

  /** Server shutdown: every open stream returns and ends with OK. */
  endStreams(): void {
    for (const controller of this.streams) controller.abort();
  }

  private async context(call: Pick<ServerUnaryCall<unknown, unknown>, 'metadata' | 'getPath' | 'request'>, access: Access): Promise<CallContext> {
    const method = call.getPath();
    const header = call.metadata.get('authorization')[0];
    const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    const user = token ? await this.deps.authenticate(token) : null;
    const refused = this.refusal(token, user, method, call.request, access);
    if (refused || !user) {
      const { reason, status } = refused!;
      this.deps.refused?.({ user: user?.name ?? null, verb: method.slice(method.lastIndexOf('/') + 1), path: method, reason, code: status.code, message: status.message });
      throw refused;
    }
    return {
      user,
      method,
      command: async <T>(pattern: string, payload: Record<string, unknown>) => {
        const meta: CommandMeta = { actor: user.name, requestId: randomUUID(), request: `grpc ${method}` };
        const reply = await this.deps.send<T>(pattern, { ...payload, meta }).catch((error) => {
          // A refusal is a Status; anything else (timeout, no responders) means the service is not there now.
          throw isKubeStatus(error) || error instanceof KubeStatusError ? error : serviceUnavailable(`the service for ${pattern} did not answer (${error?.message ?? error}); try again`);
        });
        await this.deps.view.waitForHead();
        return reply;
      },
    };
  }

  /** The 401 or 403 of a call, or null. Node tokens follow their own rules (auth/grpc-node-authorizer.ts). */
  private refusal(token: string | undefined, user: GrpcUser | null, method: string, request: unknown, access: Access): Refusal | null {
    if (!token) return new Refusal('no_token', unauthenticated());
    if (!user) return new Refusal('invalid_token', unauthenticated('Unauthorized: the bearer token is not valid'));
    if (user.role === 'node') {
      return authorizeNodeCall(user.name, user.node ?? '', method, (request ?? {}) as object, (name) => this.deps.view.model.nodes.get(name)?.node ?? undefined);
    }
    return access === 'write' && user.role !== 'admin' ? new Refusal('role', forbidden(user.name, method)) : null;
  }
}

function writeWhenReady<M>(call: ServerWritableStream<unknown, M>, message: M, signal: AbortSignal): Promise<void> {
  if (signal.aborted || call.write(message)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    call.once('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Resolves when `signal` aborts. */
export const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
