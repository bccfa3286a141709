import { parseSegmentRule } from './parse-segment-rule';

const errorsOf = (input: unknown) => {
  const result = parseSegmentRule(input);
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.value)}`);
  return Object.fromEntries(result.errors.map((e) => [e.field, e.messages]));
};

describe('parseSegmentRule: valid rules', () => {
  it('accepts every kind of condition and keeps only what the language knows', () => {
    const rule = {
      all: [
        { field: 'country', in: ['DE', 'AT'] },
        { field: 'age', gte: 18, lt: 30 },
        { field: 'preferences.newsletter', eq: 'weekly' },
        { field: 'lifecycleStage', neq: 'churned' },
        { event: 'crm.order.completed', withinDays: 90, count: { gte: 2 } },
        { event: 'crm.touchpoint.recorded', action: 'email_opened', withinDays: 30 },
        { not: { event: 'crm.order.completed', withinDays: 120 } },
        { any: [{ rfm: 'recency', gte: 4 }, { rfm: 'monetary', in: [4, 5] }] },
        { consent: { channel: 'email', purpose: 'marketing' } },
        { field: 'city', exists: true },
      ],
    };
    expect(parseSegmentRule(rule)).toEqual({ ok: true, value: rule });
  });

  it('returns a copy, not the input', () => {
    const input = { field: 'country', in: ['DE'] };
    const result = parseSegmentRule(input);
    input.in.push('SE');
    expect(result).toEqual({ ok: true, value: { field: 'country', in: ['DE'] } });
  });
});

describe('parseSegmentRule: errors with JSON paths', () => {
  it('names the offending value by path', () => {
    expect(errorsOf({ all: [{ field: 'orders', gte: 1 }, { event: 'crm.order.completed', withinDays: 0 }] })).toEqual({
      'rule.all[1].withinDays': ['must be a positive integer'],
    });
  });

  it('reports every problem at once', () => {
    const errors = errorsOf({
      any: [
        { field: 'shoeSize', eq: 42 },
        { event: 'crm.order.shipped', withinDays: 1.5 },
        { rfm: 'loyalty', gte: 6 },
        { consent: { channel: 'fax', purpose: 'marketing', extra: 1 } },
      ],
    });
    expect(Object.keys(errors)).toEqual([
      'rule.any[0].field',
      'rule.any[1].event',
      'rule.any[1].withinDays',
      'rule.any[2].rfm',
      'rule.any[2].gte',
      'rule.any[3].consent.extra',
      'rule.any[3].consent.channel',
    ]);
    expect(errors['rule.any[0].field'][0]).toMatch(/^unknown field "shoeSize"; rules can use: country, .*preferences\.<key>$/);
    expect(errors['rule.any[2].gte']).toEqual(['must be an integer from 1 to 5 (a quintile score)']);
  });

  it('refuses a node that is not a rule, or is two at once', () => {
    expect(errorsOf('orders > 2')).toEqual({ rule: ['must be an object with one of: all, any, not, field, event, rfm, consent'] });
    expect(errorsOf({ orders: 2 })).toEqual({ rule: ['must have one of: all, any, not, field, event, rfm, consent'] });
    expect(errorsOf({ field: 'orders', event: 'crm.order.completed', gte: 1 })).toEqual({
      rule: ['must have only one of: all, any, not, field, event, rfm, consent (found field, event)'],
    });
    expect(errorsOf({ all: [] })).toEqual({ 'rule.all': ['must be a non-empty array of rules'] });
    expect(errorsOf({ not: [] })).toEqual({ 'rule.not': ['must be an object with one of: all, any, not, field, event, rfm, consent'] });
  });

  it('refuses unknown keys and operators that do not fit the field', () => {
    expect(errorsOf({ field: 'orders', gte: 2, op: 'gte' })).toEqual({ 'rule.op': ['is not part of a "field" rule; it takes: field, eq, neq, gt, gte, lt, lte, in, nin, exists'] });
    expect(errorsOf({ field: 'country', gt: 'DE' })).toEqual({ 'rule.gt': ['cannot compare a text field by order; use eq, neq, in, nin, exists'] });
    expect(errorsOf({ field: 'orders' })).toEqual({ rule: ['needs at least one operator: eq, neq, gt, gte, lt, lte, in, nin, exists'] });
    expect(errorsOf({ field: 'orders', gte: '2' })).toEqual({ 'rule.gte': ['must be a number'] });
    expect(errorsOf({ field: 'orders', exists: 'yes' })).toEqual({ 'rule.exists': ['must be true or false'] });
  });

  it('checks values against the field: codes, enumerations, list items', () => {
    expect(errorsOf({ field: 'country', eq: 'Germany' })).toEqual({ 'rule.eq': ['must be an ISO 3166 alpha-2 code such as "DE"'] });
    expect(errorsOf({ field: 'lifecycleStage', in: ['loyal', 'vip'] })).toEqual({
      'rule.in[1]': ['must be one of: lead, prospect, first-time-customer, repeat-customer, loyal, at-risk, churned'],
    });
    expect(errorsOf({ field: 'country', in: [] })).toEqual({ 'rule.in': ['must be a non-empty array of at most 100 values'] });
    expect(errorsOf({ field: 'preferences.bad key!', eq: 'x' })['rule.field'][0]).toMatch(/^unknown field/);
  });

  it('bounds behavioural conditions by the history kept', () => {
    expect(errorsOf({ event: 'crm.order.completed', withinDays: 731 })).toEqual({ 'rule.withinDays': ['must be at most 730 (days of history kept)'] });
    expect(errorsOf({ event: 'crm.order.completed', withinDays: 30, count: { gte: 50 } })).toEqual({
      'rule.count.gte': ['must be an integer from 0 to 49 (the latest 50 events of each kind are kept)'],
    });
    expect(errorsOf({ event: 'crm.order.completed', withinDays: 30, count: { in: [1] } })).toEqual({
      'rule.count.in': ['is not a count operator; use eq, neq, gt, gte, lt, lte'],
    });
    expect(errorsOf({ event: 'crm.order.completed', withinDays: 30, action: 'email_opened' })).toEqual({
      'rule.action': ['only crm.touchpoint.recorded events have an action'],
    });
    expect(errorsOf({ event: 'crm.touchpoint.recorded', withinDays: 30, action: 'fax_sent' })['rule.action'][0]).toMatch(/^must be one of: page_viewed/);
  });

  it('limits nesting and size', () => {
    let deep: unknown = { field: 'orders', gte: 1 };
    for (let i = 0; i < 9; i++) deep = { not: deep };
    expect(errorsOf(deep)).toEqual({ 'rule.not.not.not.not.not.not.not.not': ['must not nest deeper than 8 levels'] });
    const wide = { all: Array.from({ length: 5 }, () => ({ any: Array.from({ length: 45 }, () => ({ field: 'orders', gte: 1 })) })) };
    expect(errorsOf(wide)).toEqual({ rule: ['must have at most 200 conditions (has 231)'] });
  });
});
