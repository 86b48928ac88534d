/** One block of a server-sent events stream: an event, or comments only. */
export interface StreamBlock {
  id?: string;
  event?: string;
  data?: string;
  comments: string[];
}

/** Reads a server-sent events stream over fetch, one block at a time. */
export class EventStreamReader {
  readonly response: Response;
  readonly #abort: AbortController;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = '';

  private constructor(response: Response, abort: AbortController) {
    this.response = response;
    this.#abort = abort;
    this.#reader = response.body!.getReader();
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<EventStreamReader> {
    const abort = new AbortController();
    const response = await fetch(url, { headers, signal: abort.signal });
    return new EventStreamReader(response, abort);
  }

  /** The next block, or undefined when the server ended the stream. */
  async nextBlock(): Promise<StreamBlock | undefined> {
    for (;;) {
      const end = this.#buffer.indexOf('\n\n');
      if (end !== -1) {
        const text = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        return parseBlock(text);
      }
      const { done, value } = await this.#reader.read();
      if (done) return undefined;
      this.#buffer += this.#decoder.decode(value, { stream: true });
    }
  }

  /** The next block that is an event, skipping comments. */
  async nextEvent(): Promise<StreamBlock & { id: string; data: string }> {
    for (;;) {
      const block = await this.nextBlock();
      if (block === undefined) throw new Error('expected an event, but the stream ended');
      if (block.data !== undefined) return block as StreamBlock & { id: string; data: string };
    }
  }

  /** Disconnects, as a client that goes away. */
  close(): void {
    this.#abort.abort();
  }
}

function parseBlock(text: string): StreamBlock {
  const block: StreamBlock = { comments: [] };
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) block.comments.push(line.slice(1).trim());
    else if (line.startsWith('id: ')) block.id = line.slice(4);
    else if (line.startsWith('event: ')) block.event = line.slice(7);
    else if (line.startsWith('data: ')) block.data = line.slice(6);
  }
  return block;
}
