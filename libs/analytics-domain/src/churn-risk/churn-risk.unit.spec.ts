import { churnRisk, isRecent } from './churn-risk';

describe('churn-risk rule', () => {
  it('is 1 − P(alive) without service signals', () => {
    const risk = churnRisk({ probabilityAlive: 0.8, openTickets: 0, recentDetractor: false, recentTierDowngrade: false });
    expect(risk.score).toBeCloseTo(0.2, 12);
    expect(risk).toMatchObject({ level: 'low', reasons: [] });
  });

  it('combines the signals as independent causes: 1 − 0.8 · 0.9² · 0.75 = 0.514', () => {
    const risk = churnRisk({ probabilityAlive: 0.8, openTickets: 2, recentDetractor: true, recentTierDowngrade: false });
    expect(risk.score).toBeCloseTo(1 - 0.8 * 0.81 * 0.75, 12);
    expect(risk).toMatchObject({ level: 'medium', reasons: ['2 open tickets', 'detractor NPS in the last 90 days'] });
  });

  it('counts at most three open tickets, and every signal raises the score', () => {
    const base = { probabilityAlive: 0.9, openTickets: 0, recentDetractor: false, recentTierDowngrade: false };
    expect(churnRisk({ ...base, openTickets: 10 }).score).toBeCloseTo(churnRisk({ ...base, openTickets: 3 }).score, 12);
    expect(churnRisk({ ...base, recentTierDowngrade: true }).score).toBeCloseTo(1 - 0.9 * 0.8, 12);
    expect(churnRisk({ ...base, recentTierDowngrade: true }).score).toBeGreaterThan(churnRisk(base).score);
  });

  it('calls a customer the model thinks gone high risk, with the reason', () => {
    expect(churnRisk({ probabilityAlive: 0.1, openTickets: 0, recentDetractor: false, recentTierDowngrade: false })).toEqual({
      score: 0.9,
      level: 'high',
      reasons: ['probably inactive (P(alive) 10 %)'],
    });
  });

  it('treats the last 90 days, the day itself included, as recent', () => {
    expect(isRecent('2026-04-30', '2026-04-30')).toBe(true);
    expect(isRecent('2026-01-31', '2026-04-30')).toBe(true); // 89 days before
    expect(isRecent('2026-01-30', '2026-04-30')).toBe(false);
    expect(isRecent(null, '2026-04-30')).toBe(false);
    expect(isRecent('2026-05-01', '2026-04-30')).toBe(false);
  });
});
