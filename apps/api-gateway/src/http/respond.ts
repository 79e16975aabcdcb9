// Writing answers: JSON bodies with an exact Content-Type (kubectl decodes Tables and aggregated
// discovery by it).
import type { HttpResponse } from './http-types';

export const JSON_TYPE = 'application/json';

export function sendJson(res: HttpResponse, code: number, body: unknown, contentType = JSON_TYPE): void {
  const text = JSON.stringify(body);
  res.statusCode = code;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.setHeader('Cache-Control', 'no-cache, private');
  res.end(text);
}

/** About this many bytes go to the socket at a time when a body is streamed. */
const CHUNK_BYTES = 256 * 1024;

/**
 * Chunk buffers the socket is done with, for the next chunks: a 90 MiB answer then churns no external
 * memory (whose growth makes V8 run full collections of the whole heap in the middle of the answer).
 */
const spareChunks: Buffer[] = [];
const MAX_SPARE_CHUNKS = 64;

const newChunk = () => spareChunks.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES);

/** Gives back a chunk once written (its write callback ran): the socket holds no reference to it any more. */
export function recycleChunk(chunk: Buffer): void {
  if (chunk.byteOffset === 0 && chunk.buffer.byteLength === CHUNK_BYTES && spareChunks.length < MAX_SPARE_CHUNKS) {
    spareChunks.push(Buffer.from(chunk.buffer, 0, CHUNK_BYTES));
  }
}

/** Where a streamed body is assembled: bytes copied into chunks of about CHUNK_BYTES. */
export class ByteSink {
  private chunk = newChunk();
  private used = 0;
  private done: Buffer[] = [];
  private size = 0;

  /** Bytes put since the last `take`. */
  get pending(): number {
    return this.size + this.used;
  }

  bytes(source: Buffer, start = 0, end = source.length): void {
    const n = end - start;
    this.room(n);
    source.copy(this.chunk, this.used, start, end);
    this.used += n;
  }

  text(text: string): void {
    const n = Buffer.byteLength(text);
    this.room(n);
    this.chunk.write(text, this.used);
    this.used += n;
  }

  /** What was put since the last call. */
  take(): Buffer[] {
    const out = this.done;
    if (this.used) {
      out.push(this.chunk.subarray(0, this.used));
      this.chunk = newChunk();
    }
    this.used = 0;
    this.done = [];
    this.size = 0;
    return out;
  }

  private room(n: number): void {
    if (this.used + n <= this.chunk.length) return;
    if (this.used) {
      this.done.push(this.chunk.subarray(0, this.used));
      this.size += this.used;
    }
    this.chunk = n <= CHUNK_BYTES ? newChunk() : Buffer.allocUnsafe(n);
    this.used = 0;
  }
}

/**
 * A JSON body made of many pieces (a long list), written as the socket takes it: no single string of
 * the whole body, no event loop held for all of it. `fill` puts the next pieces into the sink and
 * says whether the body is complete; it is called again while the sink holds less than a chunk. A
 * body that fits in one chunk is sent as `sendJson` sends it (with a Content-Length); a longer one is
 * chunked. The pieces must already reflect one moment (they are read over several ticks).
 */
export async function sendJsonStream(res: HttpResponse, code: number, fill: (sink: ByteSink) => boolean, contentType = JSON_TYPE): Promise<void> {
  const sink = new ByteSink();
  const next = (): { chunks: Buffer[]; done: boolean } => {
    let done = false;
    while (!done && sink.pending < CHUNK_BYTES) done = fill(sink);
    return { chunks: sink.take(), done };
  };
  let part = next();
  res.statusCode = code;
  res.setHeader('Content-Type', contentType);
  if (part.done) {
    const body = part.chunks.length === 1 ? part.chunks[0] : Buffer.concat(part.chunks);
    res.setHeader('Content-Length', body.length);
    res.setHeader('Cache-Control', 'no-cache, private');
    res.end(body);
    return;
  }
  res.setHeader('Cache-Control', 'no-cache, private');
  let gone = false;
  const onClose = () => (gone = true);
  res.once('close', onClose);
  try {
    for (;;) {
      let more = true;
      for (const chunk of part.chunks) {
        if (gone || res.destroyed) return;
        more = res.write(chunk, (error) => error || recycleChunk(chunk));
      }
      if (part.done) break;
      if (!more && !gone) {
        await new Promise<void>((resolve) => {
          const go = () => (res.off('drain', go), res.off('close', go), resolve());
          res.on('drain', go);
          res.on('close', go);
        });
      }
      if (gone || res.destroyed) return;
      part = next();
    }
    res.end();
  } catch (error) {
    // Headers (and part of the body) are out: the client can only be told by a cut connection.
    res.destroy(error as Error);
  } finally {
    res.off('close', onClose);
  }
}
