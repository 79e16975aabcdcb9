// Hosts the gRPC API in the gateway process: the same read model, commands, tokens and TLS as HTTPS.
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { EventStore } from '@everynode/event-store';
import { AuthRefusals } from '../auth/auth-refusals.service';
import { ensurePki } from '../auth/pki';
import { TokenAuthenticator, TOKENS_FILE } from '../auth/tokens';
import type { GatewayConfig } from '../config/gateway-config';
import { CommandRouter } from '../commands/command-router.service';
import { GATEWAY_CONFIG } from '../config/tokens';
import { ClusterView } from '../read-model/cluster-view.service';
import { createGrpcServer, grpcPort, type GrpcApi } from './grpc-server';

@Injectable()
export class GrpcApiHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('grpc');
  private api?: GrpcApi;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly commands: CommandRouter,
    private readonly view: ClusterView,
    private readonly store: EventStore,
    private readonly refusals: AuthRefusals,
  ) {}

  async onApplicationBootstrap() {
    const port = grpcPort(process.env);
    if (port === 0) return; // GRPC_PORT=0 turns the gRPC API off
    const tokens = new TokenAuthenticator(join(this.config.home, TOKENS_FILE));
    // The HTTPS server's certificate, made at start (same host rule as ensureCredentials).
    const pki = ensurePki(this.config.home, [['0.0.0.0', '::'].includes(this.config.host) ? '127.0.0.1' : this.config.host]);
    this.api = await createGrpcServer(
      {
        authenticate: (token) => tokens.authenticate(token),
        // Over NATS, or over the service's HTTP port while NATS is away (as the HTTPS API's writes).
        send: (pattern, data) => this.commands.deliver(pattern, data as Record<string, unknown>),
        view: { model: this.view.model, onChanges: (l) => this.view.onChanges(l), waitForHead: () => this.view.waitForHead() },
        store: this.store,
        refused: (record) => this.refusals.record(record),
      },
      { port, host: this.config.host, tls: { key: pki.keyPem, cert: pki.certPem } },
    );
    this.logger.log(`gRPC API on ${this.config.host}:${this.api.port} (TLS, bearer tokens, reflection on)`);
  }

  async onApplicationShutdown() {
    await this.api?.stop(2000);
  }
}
