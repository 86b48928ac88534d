import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ok } from '../../src/index.js';
import type { DeliveryState } from '../../src/machines/state.js';
import { askProvider } from '../../src/service/provider-check.js';

const state = {
  providerMessageId: 'p-1',
  type: 'SMS',
  to: '010',
  requestedAt: 0,
} as unknown as DeliveryState;

afterEach(() => vi.useRealTimers());

describe('askProvider', () => {
  it('clears its deadline and close listener once answered', async () => {
    vi.useFakeTimers();
    const closing = new AbortController();
    const answer = await askProvider(
      { id: 'p', getDeliveryStatus: async () => ok(null) } as never,
      state,
      1000,
      closing.signal,
    );
    expect(answer).toEqual({ kind: 'answered', observation: null });
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(closing.signal, 'abort')).toHaveLength(0);
  });

  it('answers the deadline once; a late answer changes nothing', async () => {
    vi.useFakeTimers();
    const closing = new AbortController();
    let late!: (v: unknown) => void;
    let signal!: AbortSignal;
    const asked = askProvider(
      {
        id: 'p',
        getDeliveryStatus: (_q: unknown, c: { signal: AbortSignal }) => {
          signal = c.signal;
          return new Promise((r) => {
            late = r;
          });
        },
      } as never,
      state,
      1000,
      closing.signal,
    );
    await vi.advanceTimersByTimeAsync(1000);
    late(ok(null));
    const answer = await asked;
    expect(answer).toMatchObject({ kind: 'failed', error: { code: 'NETWORK_TIMEOUT' } });
    expect(signal.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(closing.signal, 'abort')).toHaveLength(0);
  });

  it('turns a synchronous throw and close() into failed answers', async () => {
    const closing = new AbortController();
    expect(
      await askProvider(
        {
          id: 'p',
          getDeliveryStatus: () => {
            throw new Error('sync');
          },
        } as never,
        state,
        1000,
        closing.signal,
      ),
    ).toMatchObject({ kind: 'failed', error: { code: 'PROVIDER_ERROR' } });
    const asked = askProvider(
      {
        id: 'p',
        getDeliveryStatus: (_q: unknown, c: { signal: AbortSignal }) =>
          new Promise((_, reject) =>
            c.signal.addEventListener('abort', () => reject(c.signal.reason)),
          ),
      } as never,
      state,
      60_000,
      closing.signal,
    );
    closing.abort(new Error('closing'));
    expect(await asked).toMatchObject({ kind: 'failed', error: { code: 'PROVIDER_ERROR' } });
  });

  it('cuts short a question asked after close() began, without waiting out the deadline', async () => {
    const closing = new AbortController();
    closing.abort(new Error('closing'));
    let signal!: AbortSignal;
    const answer = await askProvider(
      {
        id: 'p',
        getDeliveryStatus: (_q: unknown, c: { signal: AbortSignal }) => {
          signal = c.signal;
          return new Promise((_, reject) => {
            if (c.signal.aborted) reject(c.signal.reason);
            c.signal.addEventListener('abort', () => reject(c.signal.reason));
          });
        },
      } as never,
      state,
      60_000,
      closing.signal,
    );
    expect(signal.aborted).toBe(true);
    expect(answer).toMatchObject({ kind: 'failed', error: { code: 'PROVIDER_ERROR' } });
    expect(getEventListeners(closing.signal, 'abort')).toHaveLength(0);
  });
});
