import { Controller, Get, Res } from '@nestjs/common';
import type { HttpResponse } from '../http/http-types';

/** `/livez`, as the API server answers it (the platform's OpsModule serves /healthz, /readyz and /metrics). */
@Controller()
export class LivezController {
  @Get('livez')
  livez(@Res() res: HttpResponse) {
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end('ok');
  }
}
