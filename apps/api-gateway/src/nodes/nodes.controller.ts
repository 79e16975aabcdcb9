import { Controller, Delete, Get, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import { callerOf } from '../http/caller';
import type { HttpRequest, HttpResponse } from '../http/http-types';
import { readRawBody } from '../http/raw-body';
import { ReadResponder } from '../http/read-responder.service';
import { ResourceReads } from '../http/resource-reads.service';
import { KINDS } from '../read-model/kinds';
import { NodeWrites } from './node-writes.service';

const NODES = KINDS.nodes;

@Controller()
export class NodesController {
  constructor(
    private readonly reads: ResourceReads,
    private readonly responder: ReadResponder,
    private readonly writes: NodeWrites,
  ) {}

  @Get(['api/v1/nodes', 'api/v1/watch/nodes'])
  list(@Req() req: HttpRequest, @Res() res: HttpResponse) {
    return this.reads.collection(req, res, NODES);
  }

  @Get(['api/v1/nodes/:name', 'api/v1/watch/nodes/:name', 'api/v1/nodes/:name/status'])
  get(@Req() req: HttpRequest, @Res() res: HttpResponse, @Param('name') name: string) {
    return this.reads.one(req, res, NODES, undefined, name);
  }

  @Post('api/v1/nodes')
  async create(@Req() req: HttpRequest, @Res() res: HttpResponse) {
    const node = await this.writes.create(await readRawBody(req), req.headers['content-type'], callerOf(req));
    this.responder.object(req, res, NODES, node, 201);
  }

  @Put('api/v1/nodes/:name')
  async replace(@Req() req: HttpRequest, @Res() res: HttpResponse, @Param('name') name: string) {
    const node = await this.writes.replace(name, await readRawBody(req), req.headers['content-type'], callerOf(req));
    this.responder.object(req, res, NODES, node);
  }

  @Patch('api/v1/nodes/:name')
  async patch(@Req() req: HttpRequest, @Res() res: HttpResponse, @Param('name') name: string, @Query('fieldManager') fieldManager?: string) {
    const node = await this.writes.patch(name, await readRawBody(req), req.headers['content-type'], fieldManager, callerOf(req));
    this.responder.object(req, res, NODES, node);
  }

  // The kubelet's status update (PUT or PATCH): a heartbeat, see NodeWrites.heartbeat.
  @Put('api/v1/nodes/:name/status')
  replaceStatus(@Req() req: HttpRequest, @Res() res: HttpResponse, @Param('name') name: string) {
    return this.heartbeat(req, res, name);
  }

  @Patch('api/v1/nodes/:name/status')
  patchStatus(@Req() req: HttpRequest, @Res() res: HttpResponse, @Param('name') name: string) {
    return this.heartbeat(req, res, name);
  }

  private async heartbeat(req: HttpRequest, res: HttpResponse, name: string) {
    await readRawBody(req); // what it says is not kept
    this.responder.object(req, res, NODES, await this.writes.heartbeat(name, callerOf(req)));
  }

  @Delete('api/v1/nodes/:name')
  async delete(@Req() req: HttpRequest, @Res() res: HttpResponse, @Param('name') name: string) {
    this.responder.object(req, res, NODES, await this.writes.delete(name, callerOf(req)));
  }
}
