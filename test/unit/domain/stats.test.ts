import { DAY } from '../../../domain/duration';
import { acceptanceRate, funnelSlice, statsPeriod, statsQuerySchema, statusCounts } from '../../../domain/stats';

const now = new Date('2026-06-15T12:00:00Z');

describe('statsQuerySchema', () => {
  it('accepts an open period, or one with both ends in order', () => {
    expect(statsQuerySchema.safeParse({}).success).toBe(true);
    expect(statsQuerySchema.safeParse({ from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00+02:00' }).success).toBe(
      true,
    );
  });

  it.each([
    [{ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'from'],
    [{ from: '2026-02-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }, 'from'],
    [{ from: '2024-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'from'],
    [{ from: 'yesterday' }, 'from'],
    [{ to: '2026-13-01T00:00:00Z' }, 'to'],
  ])('refuses %j, naming %s', (query, field) => {
    const result = statsQuerySchema.safeParse(query);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(field);
  });
});

describe('statsPeriod', () => {
  it('defaults to the 30 days before now', () => {
    expect(statsPeriod({}, now)).toEqual({ from: new Date(now.getTime() - 30 * DAY), to: now });
  });

  it('counts back 30 days from a given end', () => {
    const to = '2026-03-31T00:00:00Z';
    expect(statsPeriod({ to }, now)).toEqual({ from: new Date('2026-03-01T00:00:00Z'), to: new Date(to) });
  });

  it('takes both ends as given', () => {
    const period = statsPeriod({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }, now);
    expect(period.to.getTime() - period.from.getTime()).toBe(DAY);
  });
});

describe('acceptanceRate', () => {
  it('is accepted over reached, to four places', () => {
    expect(acceptanceRate({ total: 9, reached: 3, accepted: 1 })).toBe(0.3333);
    expect(acceptanceRate({ total: 2, reached: 2, accepted: 2 })).toBe(1);
  });

  it('is null when nobody was reached, not a division by zero', () => {
    expect(acceptanceRate({ total: 4, reached: 0, accepted: 0 })).toBeNull();
  });

  it('travels with the counts of a slice', () => {
    expect(funnelSlice({ total: 5, reached: 4, accepted: 1 })).toEqual({
      total: 5,
      reached: 4,
      accepted: 1,
      acceptanceRate: 0.25,
    });
  });
});

test('statusCounts names every status, zero where none is', () => {
  expect(statusCounts({ accepted: 2 })).toEqual({
    requested: 0,
    registered: 0,
    pending: 0,
    accepted: 2,
    declined: 0,
    expired: 0,
    revoked: 0,
  });
});
