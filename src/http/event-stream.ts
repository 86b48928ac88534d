import type { ServerResponse } from 'node:http';

/** How much a slow client may leave unread before its stream is ended. */
const MAX_UNREAD_BYTES = 1024 * 1024;

/**
 * A server-sent events stream on a raw response: `id:` and `data:` per event, a comment line as
 * heartbeat so that proxies keep the connection open, and an end when the client falls too far
 * behind (it reconnects with `Last-Event-ID` and misses nothing).
 */
export class EventStream {
  readonly #response: ServerResponse;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #onEnd: () => void;
  #ended = false;

  constructor(response: ServerResponse, options: { heartbeatMs: number; onEnd: () => void }) {
    this.#response = response;
    this.#onEnd = options.onEnd;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // A first line, so that the client sees the stream open before the first event.
    response.write(': connected\n\n');
    this.#heartbeat = setInterval(() => this.#write(': heartbeat\n\n'), options.heartbeatMs);
    response.once('close', () => this.end());
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Sends one event; `data` is written as one line of JSON. */
  send(id: string, data: unknown): void {
    this.#write(`id: ${id}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Sends a last event of type `error` and ends the stream. */
  fail(data: unknown): void {
    this.#write(`event: error\ndata: ${JSON.stringify(data)}\n\n`);
    this.end();
  }

  /** Ends the stream, once; the response is ended unless the client is already gone. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    clearInterval(this.#heartbeat);
    if (!this.#response.writableEnded) this.#response.end();
    this.#onEnd();
  }

  #write(text: string): void {
    if (this.#ended) return;
    this.#response.write(text);
    if (this.#response.writableLength > MAX_UNREAD_BYTES) this.end();
  }
}
