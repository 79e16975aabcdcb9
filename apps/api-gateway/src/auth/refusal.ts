// A refused request: the Status the client gets plus the reason it is logged and counted under
// (`everynode_auth_refusals_total{reason,code}`).
import { KubeStatusError } from '@everynode/contracts';

export type RefusalReason =
  /** 401: no bearer token. */
  | 'no_token'
  /** 401: a token tokens.json does not hold (wrong, revoked). */
  | 'invalid_token'
  /** 403: the verb or resource is outside the token's role (a viewer's write, a node reading DaemonSets). */
  | 'role'
  /** 403: a node token reaching past its own node (another Node, another node's pod, its own taints). */
  | 'node_restriction';

export class Refusal extends KubeStatusError {
  constructor(
    readonly reason: RefusalReason,
    error: KubeStatusError,
  ) {
    super(error.status);
  }
}

/** What is logged (one JSON line) for every refusal, HTTPS or gRPC. */
export interface RefusalRecord {
  /** The token's user; null when there is no valid token. */
  user: string | null;
  /** Kubernetes verb (`get`, `patch` …), or the RPC name for gRPC. */
  verb: string;
  /** URL path, or the gRPC method path. */
  path: string;
  reason: RefusalReason;
  code: number;
  message: string;
}
