import { describe, expect, it } from 'vitest';
import { eventId, uuidV5 } from '../../src/service/event-ids.js';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('event ids', () => {
  it('should be version 5 UUIDs, the same for the same name and different for another', () => {
    const names = Array.from({ length: 500 }, (_, i) => `delivery-m-${i}`);
    const ids = names.map(uuidV5);

    for (const id of ids) expect(id).toMatch(UUID_V5);
    expect(new Set(ids).size).toBe(names.length);
    expect(names.map(uuidV5)).toEqual(ids);
  });

  it('should tell apart decisions at another revision, place, type or content', () => {
    const base = eventId('delivery-m', 3, 0, 'StatusChanged', { to: 'DELIVERED' });

    expect(eventId('delivery-m', 3, 0, 'StatusChanged', { to: 'DELIVERED' })).toBe(base);
    expect(eventId('delivery-m', 4, 0, 'StatusChanged', { to: 'DELIVERED' })).not.toBe(base);
    expect(eventId('delivery-m', 3, 1, 'StatusChanged', { to: 'DELIVERED' })).not.toBe(base);
    expect(eventId('delivery-m', 3, 0, 'CheckCompleted', { to: 'DELIVERED' })).not.toBe(base);
    expect(eventId('delivery-m', 3, 0, 'StatusChanged', { to: 'FAILED' })).not.toBe(base);
    expect(eventId('delivery-n', 3, 0, 'StatusChanged', { to: 'DELIVERED' })).not.toBe(base);
  });
});
