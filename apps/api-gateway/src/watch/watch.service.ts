// WATCH: newline-delimited events streamed from the read model's changes. Without a resourceVersion
// (or with "0") the stream opens with an ADDED event per current object; with one, it replays the
// changes after it from the watch cache (410 Gone when they are no longer there).
import { Injectable, Logger } from '@nestjs/common';
import { failure, KubeStatusError } from '@everynode/contracts';
import { MetricsRegistry } from '@everynode/platform';
import { bookmark, partialObjectMetadata, toTable, watchEventLine, type WatchEventType } from '../kube';
import { representation, type Representation, TABLE_CONTENT_TYPE } from '../http/accept';
import type { HttpRequest, HttpResponse } from '../http/http-types';
import type { ListOptions } from '../http/list-options';
import { awaitResourceVersion, matchesOptions } from '../http/read-responder.service';
import { type ChangeEntry, ClusterView } from '../read-model/cluster-view.service';
import type { KindInfo, KubeObject } from '../read-model/kinds';
import { KubeObjects } from '../read-model/kube-objects.service';

/** A client this far behind (bytes not yet taken by the socket) is cut off; it re-lists and watches again. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const BOOKMARK_EVERY_MS = 30_000;
/** setTimeout fires at once for a longer delay (a huge timeoutSeconds would end the watch immediately). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const tooOld = (rv: number, oldest: number) =>
  new KubeStatusError(failure(410, 'Expired', `too old resource version: ${rv} (${oldest})`));

interface BatchMemo {
  objects: (KubeObject | undefined)[];
  lines: Map<string, (string | undefined)[]>;
}

interface Event {
  type: WatchEventType;
  object: KubeObject;
}

@Injectable()
export class WatchService {
  private readonly logger = new Logger('Watch');
  private open = 0;
  private readonly memos = new WeakMap<ChangeEntry[], BatchMemo>();

  constructor(
    private readonly view: ClusterView,
    private readonly objects: KubeObjects,
    metrics: MetricsRegistry,
  ) {
    metrics.gaugeFn('gateway_watches_open', 'Watch streams open now.', () => this.open);
  }

  async serve(req: HttpRequest, res: HttpResponse, kind: KindInfo, namespace: string | undefined, opts: ListOptions): Promise<void> {
    const from = opts.resourceVersion && opts.resourceVersion !== '0' ? Number(opts.resourceVersion) : undefined;
    await awaitResourceVersion(this.view, opts.resourceVersion);

    // From here to subscribe() runs in one tick: no change can fall between the start state and the stream.
    const wanted = (object: KubeObject) => (!namespace || object.metadata.namespace === namespace) && matchesOptions(kind, object, opts);
    let initial: Event[];
    if (from === undefined) {
      initial = this.objects.list(kind, namespace).filter(wanted).map((object) => ({ type: 'ADDED', object }));
    } else {
      const changes = this.view.changesSince(from);
      if (!changes) throw tooOld(from, this.view.oldestResumable);
      initial = this.eventsOf(changes, kind, wanted);
    }
    const rep = representation(req.headers.accept);
    const line = (e: Event) => watchEventLine(e.type, this.render(kind, e.object, rep, opts));

    res.writeHead(200, {
      'Content-Type': rep === 'table' ? TABLE_CONTENT_TYPE : 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    this.open++;

    let closed = false;
    const timers: NodeJS.Timeout[] = [];
    const close = () => {
      if (closed) return;
      closed = true;
      this.open--;
      unsubscribe();
      timers.forEach(clearTimeout);
      if (!res.writableEnded) res.end();
    };
    // A watcher still that far behind when more comes is closed (it re-lists, as from an upstream apiserver);
    // one burst of changes, however large, is not held against it.
    const write = (text: string) => {
      if (closed) return;
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        this.logger.warn(`closing a ${kind.resource} watch: the client is ${res.writableLength} bytes behind`);
        return close();
      }
      res.write(text);
    };
    const memoKey = `${rep}|${opts.includeObject}`;
    const unsubscribe = this.view.subscribe((entries) => {
      // Every watcher gets the same batch: each change is presented and rendered once for all of them,
      // and a watcher's share of the batch goes out in one write.
      const memo = this.memoOf(entries);
      let text = '';
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i];
        if (entry.resource !== kind.resource) continue;
        let object = memo.objects[i];
        if (!object) object = memo.objects[i] = this.objects.fromEntry(entry);
        if (!wanted(object)) continue;
        let lines = memo.lines.get(memoKey);
        if (!lines) memo.lines.set(memoKey, (lines = []));
        text += lines[i] ??= line({ type: entry.type, object });
      }
      if (text) write(text);
    });
    if (initial.length) write(initial.map(line).join(''));

    // Upstream ends a watch after 30-60 minutes unless the client asked for a timeout; clients then re-watch.
    const timeoutMs = opts.timeoutSeconds !== undefined ? opts.timeoutSeconds * 1000 : (1800 + Math.random() * 1800) * 1000;
    timers.push(setTimeout(close, Math.min(timeoutMs, MAX_TIMER_MS)));
    if (opts.allowWatchBookmarks) {
      const typeMeta = rep === 'table' ? { apiVersion: 'meta.k8s.io/v1', kind: 'Table' } : { apiVersion: kind.apiVersion, kind: kind.kind };
      const tick = () => {
        write(bookmark(String(this.view.position), typeMeta));
        timers.push(setTimeout(tick, BOOKMARK_EVERY_MS));
      };
      timers.push(setTimeout(tick, BOOKMARK_EVERY_MS));
    }
    req.on('close', close);
    res.on('close', close);
    res.on('error', close);
  }

  /** What the watchers of one batch share: the objects presented, the lines rendered (per representation). */
  private memoOf(entries: ChangeEntry[]): BatchMemo {
    let memo = this.memos.get(entries);
    if (!memo) this.memos.set(entries, (memo = { objects: [], lines: new Map() }));
    return memo;
  }

  private eventsOf(entries: ChangeEntry[], kind: KindInfo, wanted: (o: KubeObject) => boolean): Event[] {
    const out: Event[] = [];
    for (const entry of entries) {
      if (entry.resource !== kind.resource) continue;
      const object = this.objects.fromEntry(entry);
      if (wanted(object)) out.push({ type: entry.type, object });
    }
    return out;
  }

  private render(kind: KindInfo, object: KubeObject, rep: Representation, opts: ListOptions): unknown {
    if (rep === 'table') return toTable(kind.kind, [{ object, now: Date.now() }], object.metadata.resourceVersion ?? '', { includeObject: opts.includeObject });
    if (rep === 'partial') return partialObjectMetadata(object);
    return object;
  }
}
