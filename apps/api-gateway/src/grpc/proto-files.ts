// Where the .proto files live and how they are loaded. They stay files (not bundled), so the server
// loads at run time exactly what clients compile against.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';

export const PROTO_FILES = ['everynode/v1/nodes.proto', 'everynode/v1/daemonsets.proto', 'everynode/v1/pods.proto', 'everynode/v1/audit.proto'];

const PROTO_SUBDIR = join('libs', 'contracts', 'proto');

/**
 * `EVERYNODE_PROTO_DIR`, else `libs/contracts/proto` under the nearest folder up from `start` that holds
 * package.json and it: the checkout both from the sources (jest) and from dist/apps/api-gateway/main.js.
 */
export function defaultProtoDir(start: string = __dirname, env: NodeJS.ProcessEnv = process.env): string {
  if (env.EVERYNODE_PROTO_DIR) return env.EVERYNODE_PROTO_DIR;
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, PROTO_SUBDIR))) return join(dir, PROTO_SUBDIR);
    if (dirname(dir) === dir) break;
  }
  throw new Error(`no ${PROTO_SUBDIR} found above ${start}: set EVERYNODE_PROTO_DIR to the folder holding everynode/v1/*.proto`);
}

/** camelCase fields, int64 as numbers (log positions fit), enums as their names, oneof case names. */
export const LOADER_OPTIONS: Options = { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true };

export function loadProtos(protoDir: string): PackageDefinition {
  const missing = PROTO_FILES.filter((f) => !existsSync(join(protoDir, f)));
  if (missing.length) throw new Error(`${protoDir} lacks ${missing.join(', ')}: set EVERYNODE_PROTO_DIR to the folder holding everynode/v1/*.proto`);
  return loadSync(PROTO_FILES, { ...LOADER_OPTIONS, includeDirs: [protoDir] });
}
