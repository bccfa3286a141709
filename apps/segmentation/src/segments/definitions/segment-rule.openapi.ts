import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/** The rule language as OpenAPI shows it: an object, with the full language in the description and an example. */
export const SEGMENT_RULE_SCHEMA: SchemaObject = {
  type: 'object',
  description: [
    'A JSON rule: exactly one of',
    '`{ "all": [rules] }`, `{ "any": [rules] }`, `{ "not": rule }`,',
    '`{ "field": "<country|city|gender|age|acquisitionChannel|lifecycleStage|loyaltyTier|loyaltyBalance|orders|spendMinor|spendCurrency|preferences.<key>>", <operators> }`',
    'with operators `eq neq gt gte lt lte` (numbers only for the order ones), `in nin` (lists), `exists` (boolean);',
    '`{ "event": "<customer event type>", "action"?: "<touchpoint action>", "withinDays": 1–730, "count"?: { "gte": 2 } }` (default: at least one);',
    '`{ "rfm": "recency|frequency|monetary", <operators on scores 1–5> }`;',
    '`{ "consent": { "channel": "email|sms|phone|push|post", "purpose": "marketing|service|analytics|personalisation" } }`.',
  ].join(' '),
  example: {
    all: [
      { field: 'country', in: ['DE', 'AT'] },
      { event: 'crm.order.completed', withinDays: 90, count: { gte: 2 } },
      { not: { event: 'crm.touchpoint.recorded', action: 'email_opened', withinDays: 30 } },
      { consent: { channel: 'email', purpose: 'marketing' } },
    ],
  },
};

export const SEGMENT_BODY_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['id', 'name', 'rule'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$', description: 'Chosen by the client; on PUT it comes from the path' },
    name: { type: 'string', maxLength: 100 },
    description: { type: 'string', maxLength: 500 },
    rule: SEGMENT_RULE_SCHEMA,
  },
};
