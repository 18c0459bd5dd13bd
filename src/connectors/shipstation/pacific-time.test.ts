import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPacific, formatPacificFilter, fromPacific, instantsOf, PacificTimeError, pacificToIso, parsePacific, wallAt } from './pacific-time.ts';

const at = (iso: string): number => Date.parse(iso);
const HOUR = 3_600_000;

describe('Pacific wall time → UTC', () => {
  it('reads the docs examples (seven digits, and an item stamp with two) in PDT and PST', () => {
    expect(pacificToIso('2024-09-17T10:51:14.5030000')).toBe('2024-09-17T17:51:14.503Z');
    expect(pacificToIso('2015-08-17T09:24:14.78')).toBe('2015-08-17T16:24:14.780Z');
    expect(pacificToIso('2016-11-29 23:59:59')).toBe('2016-11-30T07:59:59.000Z');
    expect(pacificToIso('2024-01-15T08:00:00.0000000')).toBe('2024-01-15T16:00:00.000Z');
    expect(pacificToIso('2024-09-17')).toBe('2024-09-17T07:00:00.000Z');
  });

  it('drops digits past the millisecond downwards (never later than the truth)', () => {
    expect(pacificToIso('2026-06-15T10:00:00.9999999')).toBe('2026-06-15T17:00:00.999Z');
  });

  it('spring forward 2026-03-08: 01:59 is PST, 03:00 is PDT, and the missing 02:30 is read with the PST offset', () => {
    expect(pacificToIso('2026-03-08T01:59:59.0000000')).toBe('2026-03-08T09:59:59.000Z');
    expect(pacificToIso('2026-03-08T03:00:00.0000000')).toBe('2026-03-08T10:00:00.000Z');
    expect(instantsOf(parsePacific('2026-03-08T02:30:00'))).toEqual({ kind: 'gap', instant: at('2026-03-08T10:30:00Z') });
    // An instant never renders into the gap: 09:59:59Z is 01:59:59 PST, 10:00:00Z is 03:00 PDT.
    expect(formatPacific(at('2026-03-08T09:59:59Z'))).toBe('2026-03-08T01:59:59.0000000');
    expect(formatPacific(at('2026-03-08T10:00:00Z'))).toBe('2026-03-08T03:00:00.0000000');
  });

  it('fall back 2026-11-01: 01:30 happens twice; read as the earlier (PDT) instant unless asked', () => {
    const w = parsePacific('2026-11-01T01:30:00.0000000');
    expect(instantsOf(w)).toEqual({ kind: 'ambiguous', earlier: at('2026-11-01T08:30:00Z'), later: at('2026-11-01T09:30:00Z') });
    expect(fromPacific(w)).toBe(at('2026-11-01T08:30:00Z'));
    expect(fromPacific(w, 'later')).toBe(at('2026-11-01T09:30:00Z'));
    expect(formatPacific(at('2026-11-01T08:30:00Z'))).toBe('2026-11-01T01:30:00.0000000');
    expect(formatPacific(at('2026-11-01T09:30:00Z'))).toBe('2026-11-01T01:30:00.0000000');
    expect(pacificToIso('2026-11-01T00:59:59.0000000')).toBe('2026-11-01T07:59:59.000Z');
    expect(pacificToIso('2026-11-01T02:00:00.0000000')).toBe('2026-11-01T10:00:00.000Z');
  });

  it('refuses text that is not a ShipStation time, and says why for an offset', () => {
    expect(() => parsePacific('2026-11-01T01:30:00Z')).toThrow(PacificTimeError);
    expect(() => parsePacific('2026-11-01T01:30:00Z')).toThrow(/offset/);
    expect(() => parsePacific('yesterday')).toThrow(PacificTimeError);
    expect(() => parsePacific('2026-02-30T00:00:00')).toThrow(PacificTimeError);
  });
});

describe('formatPacificFilter: a filter that starts at or before the instant however it is read', () => {
  it('writes YYYY-MM-DD HH:mm:ss in Pacific time, floored to the second', () => {
    expect(formatPacificFilter(at('2026-06-15T17:00:01.900Z'))).toBe('2026-06-15 10:00:01');
    expect(formatPacificFilter(at('2026-01-15T17:00:00Z'))).toBe('2026-01-15 09:00:00');
  });

  it('never names the PDT copy of the repeated hour: it moves back to a wall time that exists once', () => {
    expect(formatPacificFilter(at('2026-11-01T08:25:00Z'))).toBe('2026-11-01 00:25:00'); // 01:25 PDT
    expect(formatPacificFilter(at('2026-11-01T09:25:00Z'))).toBe('2026-11-01 01:25:00'); // 01:25 PST: both readings ≤ it
  });
});

describe('properties, for any instant in 2020–2030', () => {
  const instant = fc.integer({ min: at('2020-01-01T00:00:00Z'), max: at('2030-12-31T23:59:59Z') });
  // Instants around every DST change get extra weight: that is where the rules bite.
  const nearChange = fc
    .record({ year: fc.integer({ min: 2020, max: 2030 }), autumn: fc.boolean(), offsetMs: fc.integer({ min: -3 * HOUR, max: 3 * HOUR }) })
    .map(({ year, autumn, offsetMs }) => {
      // Second Sunday of March / first Sunday of November, 10:00Z (≈ the change), ± 3 h.
      const first = new Date(Date.UTC(year, autumn ? 10 : 2, 1));
      const sunday = 1 + ((7 - first.getUTCDay()) % 7) + (autumn ? 0 : 7);
      return Date.UTC(year, autumn ? 10 : 2, sunday, 9) + offsetMs;
    });
  const anyInstant = fc.oneof(instant, nearChange);

  it('toPacific then fromPacific lands on the instant, or on the other copy of a repeated hour, never in the gap', () => {
    fc.assert(
      fc.property(anyInstant, (t) => {
        const text = formatPacific(t);
        const instants = instantsOf(parsePacific(text));
        expect(instants.kind).not.toBe('gap');
        if (instants.kind === 'exact') {
          expect(instants.instant).toBe(t);
        } else if (instants.kind === 'ambiguous') {
          expect([instants.earlier, instants.later]).toContain(t);
          expect(instants.later - instants.earlier).toBe(HOUR);
          expect(fromPacific(text)).toBeLessThanOrEqual(t);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('the text round-trips: parse(format(t)) is the wall clock at t', () => {
    fc.assert(
      fc.property(anyInstant, (t) => {
        expect(parsePacific(formatPacific(t))).toEqual(wallAt(t));
      }),
      { numRuns: 500 },
    );
  });

  it('a filter, read either way, starts at or before the instant and at most an hour and a second before it', () => {
    fc.assert(
      fc.property(anyInstant, (t) => {
        const filter = formatPacificFilter(t);
        expect(filter).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
        for (const rule of ['earlier', 'later'] as const) {
          const read = fromPacific(filter, rule);
          expect(read).toBeLessThanOrEqual(t);
          expect(t - read).toBeLessThan(HOUR + 1000);
        }
        // A server that compares wall text finds every instant at or after t.
        expect(filter.replace(' ', 'T') <= formatPacific(t)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('the earlier reading is monotone in the wall text (what makes a cursor safe when ShipStation sorts by wall time)', () => {
    fc.assert(
      fc.property(anyInstant, anyInstant, (a, b) => {
        const [x, y] = [formatPacific(a), formatPacific(b)].sort();
        expect(fromPacific(x as string)).toBeLessThanOrEqual(fromPacific(y as string));
      }),
      { numRuns: 1000 },
    );
  });
});
