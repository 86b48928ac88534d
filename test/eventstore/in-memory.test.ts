import { InMemoryEventStore } from '../../src/eventstore/in-memory.js';
import { describeEventStoreContract } from '../contracts/event-store.contract.js';

describeEventStoreContract('in-memory', async () => ({ store: new InMemoryEventStore() }));
