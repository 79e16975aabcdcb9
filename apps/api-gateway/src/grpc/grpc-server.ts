// The gRPC API (package everynode.v1) over TLS: NodeRegistry, DaemonSets, Pods, Audit, plus server
// reflection so grpcurl and friends can discover it. Reflection needs no token: it shows only the schema.
import { Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { auditService } from './audit.service';
import { CallHandlers } from './call-handlers';
import { daemonSetsService } from './daemonsets.service';
import type { GrpcDeps } from './grpc-deps';
import { nodeRegistryService } from './nodes.service';
import { podsService } from './pods.service';
import { defaultProtoDir, loadProtos } from './proto-files';

export const DEFAULT_GRPC_PORT = 6444;

/** `GRPC_PORT` (default 6444), checked. */
export function grpcPort(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.GRPC_PORT || String(DEFAULT_GRPC_PORT);
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`GRPC_PORT=${raw} is not a port: set it to a number from 0 to 65535 (default ${DEFAULT_GRPC_PORT}).`);
  return port;
}

export interface GrpcServerOptions {
  /** 0 picks a free port (see GrpcApi.port). */
  port: number;
  host: string;
  /** PEM. The API speaks TLS only: bearer tokens never cross the wire in clear. */
  tls: { key: string | Buffer; cert: string | Buffer };
  /** Folder holding everynode/v1/*.proto; default: see defaultProtoDir. */
  protoDir?: string;
}

export interface GrpcApi {
  server: Server;
  /** The port it listens on. */
  port: number;
  /** Ends open streams (watches, followed event streams), lets calls finish for up to `graceMs`, then closes. */
  stop(graceMs?: number): Promise<void>;
}

export async function createGrpcServer(deps: GrpcDeps, opts: GrpcServerOptions): Promise<GrpcApi> {
  const definition = loadProtos(opts.protoDir ?? defaultProtoDir());
  const service = (name: string) => definition[`everynode.v1.${name}`] as ServiceDefinition;
  const calls = new CallHandlers(deps);
  const server = new Server();
  server.addService(service('NodeRegistry'), nodeRegistryService(deps, calls));
  server.addService(service('DaemonSets'), daemonSetsService(deps, calls));
  server.addService(service('Pods'), podsService(deps, calls));
  server.addService(service('Audit'), auditService(deps, calls));
  new ReflectionService(definition).addToServer(server);

  const credentials = ServerCredentials.createSsl(null, [{ private_key: Buffer.from(opts.tls.key), cert_chain: Buffer.from(opts.tls.cert) }], false);
  const address = `${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${opts.port}`;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, credentials, (error, bound) => (error ? reject(new Error(`gRPC server cannot listen on ${address}: ${error.message}`)) : resolve(bound))),
  );

  return {
    server,
    port,
    async stop(graceMs = 5000) {
      calls.endStreams();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
