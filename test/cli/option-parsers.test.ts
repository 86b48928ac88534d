import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  parseCount,
  parseDuration,
  parseList,
  parseShard,
  parseStatuses,
  parseTime,
} from '../../src/cli/option-parsers.js';
import { parseStart } from '../../src/cli/watch.js';

describe('the option parsers', () => {
  it.each([
    ['0/1', { index: 0, count: 1 }],
    ['2/3', { index: 2, count: 3 }],
  ])('should read the shard %s', (text, shard) => {
    expect(parseShard(text)).toEqual(shard);
  });

  it.each(['3/2', '2/2', '0/0', '-1/2', '1', 'a/b', '1/2/3'])(
    'should refuse the shard %s',
    (text) => {
      expect(() => parseShard(text)).toThrow(InvalidArgumentError);
    },
  );

  it.each([
    ['250ms', 250],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['1h', 3_600_000],
    ['1.5h', 5_400_000],
    ['1d', 86_400_000],
  ])('should read the duration %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '10', '1 h', 'h', '0m', '-1h', '25d', '1w'])(
    'should refuse the duration %j',
    (text) => {
      expect(() => parseDuration(text)).toThrow(InvalidArgumentError);
    },
  );

  it.each([
    ['2026-11-30T10:00:00Z', '2026-11-30T10:00:00.000Z'],
    ['2026-11-30T19:00+09:00', '2026-11-30T10:00:00.000Z'],
    ['2026-11-30T10:00:00.250Z', '2026-11-30T10:00:00.250Z'],
    ['2026-11-30', '2026-11-30T00:00:00.000Z'],
  ])('should read the time %s', (text, iso) => {
    expect(parseTime(text).toISOString()).toBe(iso);
  });

  it.each([
    '2026-11-30T10:00:00',
    '30/11/2026',
    'now',
    '1796032800000',
    '2026-11-30T25:00Z',
    '2026-11-31',
    '2026-02-29T10:00Z',
  ])('should refuse the time %s', (text) => {
    expect(() => parseTime(text)).toThrow(InvalidArgumentError);
  });

  it('should read statuses in any case, and refuse one that is not a status', () => {
    expect(parseStatuses('delivered, Failed')).toEqual(['DELIVERED', 'FAILED']);
    expect(() => parseStatuses('delivered,')).toThrow(/got an empty one/);
  });

  it('should read counts and lists', () => {
    expect(parseCount('0')).toBe(0);
    expect(() => parseCount('1.5')).toThrow(InvalidArgumentError);
    expect(parseList('a, b')).toEqual(['a', 'b']);
  });

  it.each([
    ['start', { kind: 'start' }],
    ['42', { kind: 'position', position: '42' }],
    ['42/40', { kind: 'position', position: '42/40' }],
    ['2026-11-30T10:00:00Z', { kind: 'time', time: new Date('2026-11-30T10:00:00Z') }],
  ])('should read the watch start %s', (text, start) => {
    expect(parseStart(text)).toEqual(start);
  });
});
