/**
 * The fault box: which request a rule hits. A `rate` rule hits a random share of the requests it sees; with a
 * `seed`, the same positions every time, so a storm test that failed can be run again hit for hit.
 */
import { describe, expect, it } from 'vitest';
import { FaultBox, seededRandom } from './faults.ts';

/** Which of `n` requests to `path` the box faults, as a string of 0/1. */
function pattern(box: FaultBox, n: number, path = '/api/x'): string {
  let out = '';
  for (let i = 0; i < n; i++) out += box.match('GET', path) ? '1' : '0';
  return out;
}

describe('FaultBox', () => {
  it('without rate or times, a rule hits every matching request and counts them', () => {
    const box = new FaultBox();
    const id = box.add({ pathPrefix: '/api/', status: 503 });
    expect(pattern(box, 5)).toBe('11111');
    expect(box.match('GET', '/other')).toBeUndefined();
    expect(box.list().find((r) => r.id === id)?.hits).toBe(5);
  });

  it('times retires a rule after that many hits', () => {
    const box = new FaultBox();
    box.add({ status: 500, times: 2 });
    expect(pattern(box, 4)).toBe('1100');
  });

  it('rate uses the box random source when the rule has no seed (as before)', () => {
    const draws = [0.1, 0.9, 0.1, 0.9];
    const box = new FaultBox(() => draws.shift() ?? 1);
    box.add({ status: 500, rate: 0.5 });
    expect(pattern(box, 4)).toBe('1010');
  });

  it('the same seed hits the same requests every time, whatever the box source', () => {
    const a = new FaultBox(() => 0);
    const b = new FaultBox(() => 0.99);
    a.add({ status: 500, rate: 0.2, seed: 1234 });
    b.add({ status: 500, rate: 0.2, seed: 1234 });
    const first = pattern(a, 500);
    expect(pattern(b, 500)).toBe(first);
    const other = new FaultBox();
    other.add({ status: 500, rate: 0.2, seed: 4321 });
    expect(pattern(other, 500)).not.toBe(first);
  });

  it('a seeded rate hits about that share of requests, and counts what it saw', () => {
    const box = new FaultBox();
    const id = box.add({ status: 500, rate: 0.2, seed: 7 });
    const hits = [...pattern(box, 10_000)].filter((c) => c === '1').length;
    expect(hits).toBeGreaterThan(1_800);
    expect(hits).toBeLessThan(2_200);
    const rule = box.list().find((r) => r.id === id);
    expect(rule?.seen).toBe(10_000);
    expect(rule?.hits).toBe(hits);
  });

  it('rules are tried in order: a rule that misses on rate lets the next one answer', () => {
    const box = new FaultBox();
    box.add({ status: 429, rate: 0, seed: 1 });
    box.add({ status: 503 });
    expect(box.match('GET', '/x')?.status).toBe(503);
  });

  it('seededRandom is in [0, 1) and reproducible', () => {
    const r1 = seededRandom(99);
    const r2 = seededRandom(99);
    for (let i = 0; i < 1_000; i++) {
      const v = r1();
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      expect(r2()).toBe(v);
    }
  });
});
