import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { CATALOGUE_EXAMPLES } from '../examples/catalogue-examples';
import { CUSTOMER_EVENT_TYPES, EVENT_CATALOGUE } from '../events/event-catalogue';
import { validateCustomerEvent } from '../validation/validate-customer-event';
import { eventJsonSchema, eventJsonSchemas } from './event-json-schemas';

const now = new Date('2026-01-10T12:00:00.000Z');
const ajv = addFormats(new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false }));
const schemas = eventJsonSchemas();
const validators = new Map(Object.entries(schemas).map(([type, schema]) => [type, ajv.compile(schema)]));

const bothSay = (payload: object) => {
  const byClass = validateCustomerEvent(payload, { now }).ok;
  const validate = validators.get((payload as { type: string }).type)!;
  const bySchema = validate(payload);
  return { byClass, bySchema, schemaErrors: validate.errors };
};

describe('eventJsonSchemas', () => {
  it('has one schema per catalogue type, in catalogue order, with the envelope request fields', () => {
    expect(Object.keys(schemas)).toEqual(CUSTOMER_EVENT_TYPES);
    for (const { type, schemaVersion } of EVENT_CATALOGUE) {
      const schema = schemas[type];
      expect(schema).toMatchObject({ $id: `urn:crm:event:${type}:v${schemaVersion}`, type: 'object', additionalProperties: false });
      expect(Object.keys(schema['properties'] as object)).toEqual(['id', 'type', 'customerId', 'identity', 'time', 'source', 'correlationId', 'causationId', 'data']);
      expect((schema['properties'] as Record<string, unknown>)['type']).toEqual({ type: 'string', const: type });
      expect(schema['required']).toEqual(['type', 'data']);
      expect(schema['oneOf']).toEqual([{ required: ['customerId'] }, { required: ['identity'] }]);
      for (const definition of Object.values(schema['definitions'] as Record<string, Record<string, unknown>>)) {
        expect(definition['additionalProperties']).toBe(false);
      }
    }
  });

  it('returns copies, and undefined for an unknown type', () => {
    const a = eventJsonSchemas();
    (a['crm.order.completed'] as Record<string, unknown>)['title'] = 'changed';
    expect(eventJsonSchema('crm.order.completed')!['title']).toBe('crm.order.completed');
    expect(eventJsonSchema('crm.nope')).toBeUndefined();
  });

  it.each(CUSTOMER_EVENT_TYPES.map((t) => [t]))('%s: the valid and invalid examples get the same verdict from ajv and class-validator', (type) => {
    const example = CATALOGUE_EXAMPLES[type];
    expect(bothSay(example.valid)).toMatchObject({ byClass: true, bySchema: true });
    expect(bothSay(example.invalid)).toMatchObject({ byClass: false, bySchema: false });
  });

  it.each([
    ['an unknown envelope field', { ...CATALOGUE_EXAMPLES['crm.order.completed'].valid, extra: 1 }],
    ['an unknown nested field', { type: 'crm.order.placed', customerId: 'c1', data: { orderId: 'o', totalMinor: 1, currency: 'EUR', items: [{ sku: 'a', quantity: 1, unitPriceMinor: 1, colour: 'red' }] } }],
    ['a bad customer id', { ...CATALOGUE_EXAMPLES['crm.lead.captured'].valid, customerId: '-x' }],
    ['an NPS score of 11', { type: 'crm.survey.answered', customerId: 'c1', data: { surveyId: 's', kind: 'nps', score: 11 } }],
    ['a CSAT score of 0', { type: 'crm.survey.answered', customerId: 'c1', data: { surveyId: 's', kind: 'csat', score: 0 } }],
    ['an NPS answer without score', { type: 'crm.survey.answered', customerId: 'c1', data: { surveyId: 's', kind: 'nps' } }],
    ['a free-text answer with a score', { type: 'crm.survey.answered', customerId: 'c1', data: { surveyId: 's', kind: 'free_text', score: 3, comment: 'ok' } }],
    ['a free-text answer without comment', { type: 'crm.survey.answered', customerId: 'c1', data: { surveyId: 's', kind: 'free_text' } }],
    ['a comment over 2000 characters', { type: 'crm.survey.answered', customerId: 'c1', data: { surveyId: 's', kind: 'csat', score: 3, comment: 'x'.repeat(2001) } }],
    ['a currency without value', { type: 'crm.opportunity.stage-changed', customerId: 'c1', data: { opportunityId: 'o', to: 'won', currency: 'EUR' } }],
    ['too much touchpoint metadata', { type: 'crm.touchpoint.recorded', customerId: 'c1', data: { channel: 'web', action: 'page_viewed', metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) } }],
    ['a non-string preference', { type: 'crm.profile.updated', customerId: 'c1', data: { preferences: { sms: true } } }],
    ['an unknown contact field', { type: 'crm.profile.updated', customerId: 'c1', data: { contact: { fax: '123' } } }],
  ])('both refuse %s', (_name, payload) => {
    expect(bothSay(payload)).toMatchObject({ byClass: false, bySchema: false });
  });

  it.each([
    ['a CSAT score of 5', { type: 'crm.survey.answered', customerId: 'c1', data: { surveyId: 's', kind: 'csat', score: 5 } }],
    ['an NPS score of 0', { type: 'crm.survey.answered', customerId: 'c1', data: { surveyId: 's', kind: 'nps', score: 0 } }],
    ['a free-text answer', { type: 'crm.survey.answered', customerId: 'c1', data: { surveyId: 's', kind: 'free_text', comment: 'Great' } }],
    ['an erasure without data fields', { type: 'crm.customer.erased', customerId: 'c1', data: {} }],
    ['a stage change without value', { type: 'crm.opportunity.stage-changed', customerId: 'c1', data: { opportunityId: 'o', to: 'lost' } }],
    ['every envelope field', { id: '0f8fad5b-d9cb-469f-a165-70867728950e', type: 'crm.lead.captured', customerId: 'c1', time: '2026-01-10T11:00:00Z', source: 'crm-forms', correlationId: 'x', causationId: 'y', data: { source: 'form' } }],
  ])('both accept %s', (_name, payload) => {
    expect(bothSay(payload)).toMatchObject({ byClass: true, bySchema: true });
  });
});
