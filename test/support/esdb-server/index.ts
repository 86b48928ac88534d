export { DELETED_STREAM_TB, EventLog, type EventLogOptions } from './event-log.js';
export { EsdbTestServer, type EsdbTestServerOptions } from './server.js';
