// A client of the everynode.v1 API built the way any client would build it: from the .proto files.
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

export const PROTO_DIR = join(__dirname, '..', '..', '..', 'libs', 'contracts', 'proto');
const FILES = ['everynode/v1/nodes.proto', 'everynode/v1/daemonsets.proto', 'everynode/v1/pods.proto', 'everynode/v1/audit.proto'];
const OPTIONS = { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true };

type Ctor = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => grpc.Client;
/** The certificate names localhost too: TLS server names must not be IP addresses (RFC 6066). */
const CHANNEL_OPTIONS = { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost' };

export function everynodeClients(address: string, caPem: string) {
  const pkg = grpc.loadPackageDefinition(loadSync(FILES, { ...OPTIONS, includeDirs: [PROTO_DIR] })) as unknown as { everynode: { v1: Record<string, Ctor> } };
  const credentials = grpc.credentials.createSsl(Buffer.from(caPem));
  const make = (name: string) => new pkg.everynode.v1[name](address, credentials, CHANNEL_OPTIONS);
  return { nodes: make('NodeRegistry'), daemonSets: make('DaemonSets'), pods: make('Pods'), audit: make('Audit') };
}

/** The server reflection service (grpc.reflection.v1), from the proto @grpc/reflection ships. */
export function reflectionClient(address: string, caPem: string): grpc.Client {
  const proto = join(dirname(require.resolve('@grpc/reflection')), '..', 'proto', 'grpc', 'reflection', 'v1', 'reflection.proto');
  const pkg = grpc.loadPackageDefinition(loadSync(proto, OPTIONS)) as any;
  return new pkg.grpc.reflection.v1.ServerReflection(address, grpc.credentials.createSsl(Buffer.from(caPem)), CHANNEL_OPTIONS);
}

export const bearer = (token?: string) => {
  const metadata = new grpc.Metadata();
  if (token) metadata.set('authorization', `Bearer ${token}`);
  return metadata;
};

/** A unary call as a promise. */
export function call<T = any>(client: grpc.Client, method: string, request: object, token?: string): Promise<T> {
  return new Promise((resolve, reject) =>
    (client as any)[method](request, bearer(token), (error: grpc.ServiceError | null, response: T) => (error ? reject(error) : resolve(response))),
  );
}

/** The status a call failed with. */
export const failure = (promise: Promise<unknown>): Promise<grpc.ServiceError> =>
  promise.then(
    (ok) => {
      throw new Error(`the call succeeded: ${JSON.stringify(ok)}`);
    },
    (error: grpc.ServiceError) => error,
  );

/** Collects what a server stream sends. */
export function collect<T = any>(client: grpc.Client, method: string, request: object, token?: string) {
  const stream: grpc.ClientReadableStream<T> = (client as any)[method](request, bearer(token));
  const items: T[] = [];
  let failed: grpc.ServiceError | undefined;
  stream.on('data', (item: T) => items.push(item));
  const ended = new Promise<T[]>((resolve, reject) => {
    stream.on('end', () => resolve(items));
    stream.on('error', (error: grpc.ServiceError) => reject((failed = error)));
  });
  ended.catch(() => undefined); // observed through until() / finished()
  return {
    items,
    /** Waits until `done(items)` holds; fails at once on a stream error. */
    async until(what: string, done: (items: T[]) => boolean, timeoutMs = 20_000): Promise<T[]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (failed) throw failed;
        if (done(items)) return items;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; received ${JSON.stringify(items)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    /** Resolves when the server ends the stream; rejects with its error status. */
    finished: () => ended,
    cancel: () => stream.cancel(),
  };
}

/** A JSON value as google.protobuf.Struct fields. */
export function toStruct(object: Record<string, unknown>): { fields: Record<string, unknown> } {
  const value = (v: unknown): unknown => {
    if (v === null || v === undefined) return { nullValue: 'NULL_VALUE' };
    if (Array.isArray(v)) return { listValue: { values: v.map(value) } };
    if (typeof v === 'object') return { structValue: toStruct(v as Record<string, unknown>) };
    if (typeof v === 'number') return { numberValue: v };
    if (typeof v === 'boolean') return { boolValue: v };
    return { stringValue: String(v) };
  };
  return { fields: Object.fromEntries(Object.entries(object).map(([k, v]) => [k, value(v)])) };
}
