import {
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
  status,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { handleAppend, handleBatchAppend } from './append.js';
import { handleDelete } from './delete.js';
import { EventLog, type EventLogOptions } from './event-log.js';
import {
  type ReadReq,
  type ReadResp,
  ServerFeaturesService,
  StreamsService,
  SupportedMethod,
  SupportedMethods,
} from './protocol.js';
import { countedRead } from './read.js';
import { subscription } from './subscription.js';

export interface EsdbTestServerOptions extends EventLogOptions {
  /**
   * Whether `ServerFeatures` advertises `Streams.BatchAppend` (a 21.10+ node),
   * so that the client appends through it; otherwise the method is absent
   * and the client falls back to `Streams.Append`.
   * @defaultValue true
   */
  readonly batchAppend?: boolean;
  /** The most bytes one append may carry. @defaultValue 1 MiB, the server's default */
  readonly maxAppendSize?: number;
}

const STREAMS = 'event_store.client.streams.streams';
const FEATURES = 'event_store.client.server_features.serverfeatures';

/**
 * An in-process EventStoreDB stand-in speaking the gRPC protocol of the
 * client's generated service definitions: ServerFeatures, Streams.Read
 * (counted reads and catch-up subscriptions), Append, BatchAppend and Delete.
 * It listens on 127.0.0.1 with an ephemeral port, insecure, single node: the
 * client reaches it with `esdb://127.0.0.1:PORT?tls=false` and needs no gossip.
 * `stop()` drops every connection; `start()` again listens on the same port
 * with the same data.
 */
export class EsdbTestServer {
  readonly log: EventLog;
  /** How many calls each method received, e.g. `calls.get('BatchAppend')`. */
  readonly calls = new Map<string, number>();
  readonly #batchAppend: boolean;
  readonly #maxAppendSize: number;
  #server: Server | undefined;
  #port = 0;

  constructor(options: EsdbTestServerOptions = {}) {
    this.log = new EventLog(options);
    this.#batchAppend = options.batchAppend ?? true;
    this.#maxAppendSize = options.maxAppendSize ?? 1024 * 1024;
  }

  get port(): number {
    return this.#port;
  }

  get connectionString(): string {
    return `esdb://127.0.0.1:${this.#port}?tls=false`;
  }

  get running(): boolean {
    return this.#server !== undefined;
  }

  async start(): Promise<void> {
    if (this.#server) return;
    const server = new Server();
    server.addService(StreamsService, this.#streams());
    server.addService(ServerFeaturesService, this.#features());
    this.#port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(
        `127.0.0.1:${this.#port}`,
        ServerCredentials.createInsecure(),
        (error, port) => (error ? reject(error) : resolve(port)),
      );
    });
    this.#server = server;
  }

  /** Stops at once, as a crashed node would: open calls end with an error. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    server?.forceShutdown();
  }

  #count<A extends unknown[]>(method: string, handler: (...args: A) => unknown) {
    return (...args: A) => {
      this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
      void handler(...args);
    };
  }

  #streams(): UntypedServiceImplementation {
    const log = this.log;
    const read = async (call: ServerWritableStream<ReadReq, ReadResp>) => {
      const options = call.request.getOptions()!;
      try {
        await (options.hasSubscription()
          ? subscription(log, options, call)
          : countedRead(log, options, call));
      } catch (error) {
        // A fault of this server, not of the protocol: end the call with it.
        if (!call.cancelled) call.emit('error', { code: status.INTERNAL, details: String(error) });
      }
    };
    const handlers: UntypedServiceImplementation = {
      read: this.#count('Read', read),
      append: this.#count('Append', handleAppend(log, this.#maxAppendSize)),
      delete: this.#count('Delete', handleDelete(log)),
    };
    if (this.#batchAppend) {
      handlers.batchAppend = this.#count(
        'BatchAppend',
        handleBatchAppend(log, this.#maxAppendSize),
      );
    }
    return handlers;
  }

  #features(): UntypedServiceImplementation {
    const names = ['read', 'append', 'delete', ...(this.#batchAppend ? ['batchappend'] : [])];
    const getSupportedMethods = (
      _call: ServerUnaryCall<unknown, unknown>,
      reply: sendUnaryData<InstanceType<typeof SupportedMethods>>,
    ) => {
      const methods = names.map((name) => {
        const method = new SupportedMethod().setServiceName(STREAMS).setMethodName(name);
        if (name === 'read') method.setFeaturesList(['position', 'events']);
        return method;
      });
      methods.push(
        new SupportedMethod().setServiceName(FEATURES).setMethodName('getsupportedmethods'),
      );
      reply(
        null,
        new SupportedMethods().setMethodsList(methods).setEventStoreServerVersion('23.10.0'),
      );
    };
    return { getSupportedMethods: this.#count('GetSupportedMethods', getSupportedMethods) };
  }
}
