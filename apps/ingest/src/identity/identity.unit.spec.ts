import { customerIdForIdentity, identityKey } from './identity';

describe('identityKey', () => {
  it('trims and lower-cases emails, strips phone punctuation, qualifies external ids by system', () => {
    expect(identityKey({ kind: 'email', value: '  Ann.Lee@Example.COM ' })).toEqual({ kind: 'email', value: 'ann.lee@example.com' });
    expect(identityKey({ kind: 'phone', value: '+49 30-123 (45).67' })).toEqual({ kind: 'phone', value: '+49301234567' });
    expect(identityKey({ kind: 'external_id', value: 'cus_1', system: 'shopify' })).toEqual({ kind: 'external_id', value: 'shopify:cus_1' });
    expect(identityKey({ kind: 'external_id', value: 'cus_1' })).toEqual({ kind: 'external_id', value: 'cus_1' });
    expect(identityKey({ kind: 'device_id', value: ' d-1 ' })).toEqual({ kind: 'device_id', value: 'd-1' });
  });
});

describe('customerIdForIdentity', () => {
  it('gives spellings of one identity the same valid customer id, and other identities other ids', () => {
    const a = customerIdForIdentity({ kind: 'email', value: 'Ann@Example.com' });
    expect(a).toMatch(/^cust-[0-9a-f-]{36}$/);
    expect(customerIdForIdentity({ kind: 'email', value: ' ann@example.com' })).toBe(a);
    expect(customerIdForIdentity({ kind: 'email', value: 'bob@example.com' })).not.toBe(a);
    expect(customerIdForIdentity({ kind: 'device_id', value: 'ann@example.com' })).not.toBe(a);
  });
});
