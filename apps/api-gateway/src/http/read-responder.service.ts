// GET and LIST answers in the representation the client asked for: a Table (kubectl get), a
// PartialObjectMetadata(List), or the plain object / `<Kind>List`.
import { Injectable } from '@nestjs/common';
import { failure, KubeStatusError } from '@everynode/contracts';
import { matchesFields, matchesLabels, partialObjectMetadata, POD_COLUMNS, selectableFields, toTable } from '../kube';
import { encodeContinue, page } from '../kube/list-pages';
import { PodRows, presentParts, type PodRow, putPartial, putTableRow } from '../pods/pod-rows';
import { ClusterView } from '../read-model/cluster-view.service';
import type { KindInfo, KubeObject } from '../read-model/kinds';
import { byNamespaceAndName, KubeObjects } from '../read-model/kube-objects.service';
import { lowerBound, namespaceRange } from '@everynode/read-models';
import { type Representation, representation, TABLE_CONTENT_TYPE } from './accept';
import type { HttpRequest, HttpResponse } from './http-types';
import type { ListOptions } from './list-options';
import { type ByteSink, sendJson, sendJsonStream } from './respond';

export const matchesOptions = (kind: KindInfo, object: KubeObject, opts: Pick<ListOptions, 'labelSelector' | 'fieldSelector'>) =>
  matchesLabels(opts.labelSelector, object.metadata.labels) && matchesFields(opts.fieldSelector, selectableFields(kind.kind, object));

/** The cause client-go's reflector looks for (it then lists again from scratch), whatever the code. */
const tooLargeResourceVersion = (code: number, reason: string, wanted: number, current: number) =>
  new KubeStatusError(
    failure(code, reason, `${reason === 'Timeout' ? 'Timeout: ' : ''}Too large resource version: ${wanted}, current: ${current}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    }),
  );

/** 410 for a continue token older than the watch cache (upstream: older than etcd's compaction). */
const continueExpired = () =>
  new KubeStatusError(
    failure(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'),
  );

/**
 * `resourceVersion` ahead of the model: wait a little (a write just committed), as the watch cache
 * does. One beyond the log's head was never handed out: the client's error, answered at once.
 */
export async function awaitResourceVersion(view: ClusterView, rv: string | undefined): Promise<void> {
  const wanted = rv ? Number(rv) : 0;
  if (wanted <= view.position) return;
  const head = await view.logHead().catch(() => Infinity); // the log unreachable: wait, as before
  if (wanted > head) throw tooLargeResourceVersion(400, 'BadRequest', wanted, view.position);
  try {
    await view.waitFor(wanted, 3000);
  } catch {
    throw tooLargeResourceVersion(504, 'Timeout', wanted, view.position);
  }
}

@Injectable()
export class ReadResponder {
  constructor(
    private readonly view: ClusterView,
    private readonly objects: KubeObjects,
    private readonly podRows: PodRows,
  ) {}

  async list(req: HttpRequest, res: HttpResponse, kind: KindInfo, namespace: string | undefined, opts: ListOptions): Promise<void> {
    const first = opts.continue?.rv;
    await awaitResourceVersion(this.view, first === undefined ? opts.resourceVersion : String(first));
    if (first !== undefined && !this.view.canResumeFrom(first)) throw continueExpired();
    // Later pages answer with the first page's resourceVersion: a watch from it sees every change since.
    const listed = first ?? this.view.position;
    if (kind.resource === 'pods') return this.listPods(req, res, namespace, opts, listed);
    const matching = this.objects.list(kind, namespace).filter((o) => matchesOptions(kind, o, opts));
    const { items, ...more } = page(matching, { limit: opts.limit, start: opts.continue?.start, rv: listed, compare: byNamespaceAndName });
    const metadata = { resourceVersion: String(listed), ...more };
    switch (representation(req.headers.accept)) {
      case 'table': {
        const table = toTable(kind.kind, items.map((object) => ({ object, now: Date.now() })), metadata.resourceVersion, { includeObject: opts.includeObject });
        return sendJson(res, 200, { ...table, metadata }, TABLE_CONTENT_TYPE);
      }
      case 'partial':
        return sendJson(res, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata, items: items.map(partialObjectMetadata) });
      case 'json':
        return sendJson(res, 200, { kind: kind.listKind, apiVersion: kind.apiVersion, metadata, items });
    }
  }

  /**
   * Pods, the one kind that grows to 150,000 objects: keys kept in list order (a page is found by
   * binary search, not by sorting and filtering everything), rows kept as JSON bytes (`PodRows`), and the
   * answer streamed. The same bytes as the generic path (`pod-list.spec.ts` compares them).
   */
  private listPods(req: HttpRequest, res: HttpResponse, namespace: string | undefined, opts: ListOptions, listed: number): Promise<void> {
    const keys = this.view.sortedPodKeys();
    let [from, to] = namespaceRange(keys, namespace);
    if (opts.continue) from = Math.max(from, lowerBound(keys, opts.continue.start));
    let rows: PodRow[];
    let more: { continue?: string; remainingItemCount?: number } = {};
    if (!opts.labelSelector.length && !opts.fieldSelector.length) {
      const end = opts.limit === undefined ? to : Math.min(to, from + opts.limit);
      rows = this.podRows.rowsOf(keys, from, end, [], []);
      if (end < to) more = { continue: encodeContinue({ rv: listed, start: keys[end - 1] }), remainingItemCount: to - end };
    } else {
      rows = this.podRows.rowsOf(keys, from, to, opts.labelSelector, opts.fieldSelector);
      if (opts.limit !== undefined && rows.length > opts.limit) {
        more = { continue: encodeContinue({ rv: listed, start: rows[opts.limit - 1].key }), remainingItemCount: rows.length - opts.limit };
        rows = rows.slice(0, opts.limit);
      }
    }
    const metadata = { resourceVersion: String(listed), ...more };
    const rep: Representation = representation(req.headers.accept);
    const now = Date.now();
    const ages = new Map<number, Buffer>();
    switch (rep) {
      case 'table': {
        const head = JSON.stringify({ apiVersion: 'meta.k8s.io/v1', kind: 'Table', metadata, columnDefinitions: POD_COLUMNS });
        return sendJsonStream(res, 200, listWriter(`${head.slice(0, -1)},"rows":[`, rows, (sink, row) => putTableRow(sink, row, now, opts.includeObject, ages)), TABLE_CONTENT_TYPE);
      }
      case 'partial': {
        const head = JSON.stringify({ kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata });
        return sendJsonStream(res, 200, listWriter(`${head.slice(0, -1)},"items":[`, rows, putPartial));
      }
      case 'json': {
        const head = JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata });
        return sendJsonStream(res, 200, listWriter(`${head.slice(0, -1)},"items":[`, rows, (sink, row) => sink.text(JSON.stringify(presentParts(row)))));
      }
    }
  }

  /** One object (already looked up, or returned by a write) in the asked representation. */
  object(req: HttpRequest, res: HttpResponse, kind: KindInfo, object: KubeObject, code = 200, includeObject: ListOptions['includeObject'] = 'Metadata'): void {
    switch (representation(req.headers.accept)) {
      case 'table':
        return sendJson(res, code, toTable(kind.kind, [{ object, now: Date.now() }], object.metadata.resourceVersion ?? '', { includeObject }), TABLE_CONTENT_TYPE);
      case 'partial':
        return sendJson(res, code, partialObjectMetadata(object));
      case 'json':
        return sendJson(res, code, object);
    }
  }
}

const COMMA = Buffer.from(',');

/** A `fill` for `sendJsonStream`: `head`, the items separated by commas, `]}`; about 200 items a call. */
function listWriter<T>(head: string, items: readonly T[], put: (sink: ByteSink, item: T) => void): (sink: ByteSink) => boolean {
  let i = -1;
  return (sink) => {
    if (i < 0) {
      sink.text(head);
      i = 0;
    }
    for (const end = Math.min(items.length, i + 200); i < end; i++) {
      if (i) sink.bytes(COMMA);
      put(sink, items[i]);
    }
    if (i < items.length) return false;
    sink.text(']}');
    return true;
  };
}
