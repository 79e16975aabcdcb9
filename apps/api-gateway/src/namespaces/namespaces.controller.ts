import { Controller, Delete, Get, Param, Patch, Post, Put, Req, Res } from '@nestjs/common';
import { callerOf } from '../http/caller';
import type { HttpRequest, HttpResponse } from '../http/http-types';
import { readRawBody } from '../http/raw-body';
import { ReadResponder } from '../http/read-responder.service';
import { ResourceReads } from '../http/resource-reads.service';
import { methodNotAllowed } from '../kube';
import { KINDS } from '../read-model/kinds';
import { NamespaceWrites } from './namespace-writes.service';

const NS = KINDS.namespaces;

@Controller()
export class NamespacesController {
  constructor(
    private readonly reads: ResourceReads,
    private readonly responder: ReadResponder,
    private readonly writes: NamespaceWrites,
  ) {}

  @Get(['api/v1/namespaces', 'api/v1/watch/namespaces'])
  list(@Req() req: HttpRequest, @Res() res: HttpResponse) {
    return this.reads.collection(req, res, NS);
  }

  @Get(['api/v1/namespaces/:name', 'api/v1/watch/namespaces/:name', 'api/v1/namespaces/:name/status'])
  get(@Req() req: HttpRequest, @Res() res: HttpResponse, @Param('name') name: string) {
    return this.reads.one(req, res, NS, undefined, name);
  }

  @Post('api/v1/namespaces')
  async create(@Req() req: HttpRequest, @Res() res: HttpResponse) {
    const created = await this.writes.create(await readRawBody(req), req.headers['content-type'], callerOf(req));
    this.responder.object(req, res, NS, created, 201);
  }

  /** No command changes a namespace's labels yet. */
  @Put('api/v1/namespaces/:name')
  replace() {
    throw methodNotAllowed('update', 'namespaces');
  }

  @Patch('api/v1/namespaces/:name')
  patch() {
    throw methodNotAllowed('patch', 'namespaces');
  }

  @Delete('api/v1/namespaces/:name')
  async delete(@Req() req: HttpRequest, @Res() res: HttpResponse, @Param('name') name: string) {
    this.responder.object(req, res, NS, await this.writes.delete(name, callerOf(req)));
  }
}
