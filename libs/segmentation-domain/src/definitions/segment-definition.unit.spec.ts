import { parseSegmentInput, STARTER_SEGMENTS } from './segment-definition';
import { parseSegmentRule } from '../rules/parse-segment-rule';

describe('segment definitions', () => {
  it('accepts a create with id, name, description and rule', () => {
    const body = { id: 'lapsed-vips', name: ' Lapsed VIPs ', description: 'Spent a lot, quiet for 120 days', rule: { all: [{ field: 'spendMinor', gte: 100_000 }, { event: 'crm.order.completed', withinDays: 120, count: { eq: 0 } }] } };
    expect(parseSegmentInput(body)).toEqual({ ok: true, value: { ...body, name: 'Lapsed VIPs' } });
  });

  it('takes the id from the path on replace and refuses a different one in the body', () => {
    expect(parseSegmentInput({ name: 'x', rule: { field: 'orders', gte: 1 } }, 'buyers')).toMatchObject({ ok: true, value: { id: 'buyers' } });
    expect(parseSegmentInput({ id: 'other', name: 'x', rule: { field: 'orders', gte: 1 } }, 'buyers')).toEqual({
      ok: false,
      errors: [{ field: 'id', messages: ['must be "buyers" (the id in the path) or left out'] }],
    });
  });

  it('reports every problem of the envelope and of the rule, each at its path', () => {
    expect(parseSegmentInput({ id: 'Bad Id', name: '', colour: 'red', rule: { all: [{ event: 'crm.order.completed', withinDays: -3 }] } })).toEqual({
      ok: false,
      errors: [
        { field: 'colour', messages: ['is not a segment property; send: id, name, description, rule'] },
        { field: 'id', messages: ['must be 1 to 64 lower-case letters, digits or dashes, starting with a letter or digit'] },
        { field: 'name', messages: ['must be a text of 1 to 100 characters'] },
        { field: 'rule.all[0].withinDays', messages: ['must be a positive integer'] },
      ],
    });
    expect(parseSegmentInput([])).toEqual({ ok: false, errors: [{ field: '', messages: ['must be a JSON object { id, name, description?, rule }'] }] });
    expect(parseSegmentInput({ id: 'a', name: 'a' })).toEqual({ ok: false, errors: [{ field: 'rule', messages: ['is required'] }] });
  });

  it('ships starter segments that are valid rules', () => {
    for (const s of STARTER_SEGMENTS) expect(parseSegmentRule(s.rule)).toEqual({ ok: true, value: s.rule });
  });
});
