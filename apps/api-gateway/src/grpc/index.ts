export { createGrpcServer, DEFAULT_GRPC_PORT, grpcPort, type GrpcApi, type GrpcServerOptions } from './grpc-server';
export type { GrpcDeps, GrpcRole, GrpcUser, GrpcView } from './grpc-deps';
export { grpcCodeOf, statusFromMetadata, STATUS_METADATA_KEY, toGrpcError } from './grpc-errors';
export { defaultProtoDir, LOADER_OPTIONS, PROTO_FILES } from './proto-files';
export { LogView } from './log-view';
export { createStandaloneGrpcDeps, type StandaloneGrpcDeps, type StandaloneGrpcDepsOptions } from './standalone-deps';
