import { Controller, Get, Header, HttpCode, Res } from '@nestjs/common';
import { MetricsRegistry } from './metrics.registry';
import { Readiness } from './readiness';

/** The slice of express' Response used here (avoids a types dependency). */
interface Reply { status(code: number): { json(body: unknown): void } }

/** /healthz (the process is alive), /readyz (it can do its work), /metrics (Prometheus). */
@Controller()
export class OpsController {
  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly readiness: Readiness,
  ) {}

  @Get('healthz')
  @HttpCode(200)
  healthz() {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readyz(@Res() res: Reply) {
    const result = await this.readiness.evaluate();
    res.status(result.ready ? 200 : 503).json({ status: result.ready ? 'ready' : 'not ready', ...result });
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metricsText() {
    return this.metrics.render();
  }
}
