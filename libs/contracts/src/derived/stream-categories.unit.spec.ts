import { lifecycleStreamId, loyaltyStreamId, parseStreamId, segmentMembershipStreamId, TOPIC_OF_STREAM_CATEGORY } from './stream-categories';

describe('stream categories', () => {
  it('parses every category back from its stream id', () => {
    expect(parseStreamId('customer-c-1')).toEqual({ category: 'customer', customerId: 'c-1' });
    expect(parseStreamId(loyaltyStreamId('c-1'))).toEqual({ category: 'loyalty', customerId: 'c-1' });
    expect(parseStreamId(segmentMembershipStreamId('segment-x'))).toEqual({ category: 'segment-membership', customerId: 'segment-x' });
    expect(parseStreamId(lifecycleStreamId('c'))).toEqual({ category: 'lifecycle', customerId: 'c' });
  });

  it('gives no category to other streams or to an empty customer id', () => {
    expect(parseStreamId('segment-c1')).toBeNull();
    expect(parseStreamId('customer-')).toBeNull();
    expect(parseStreamId('idempotency-k')).toBeNull();
  });

  it('publishes each category to its own topic', () => {
    expect(new Set(Object.values(TOPIC_OF_STREAM_CATEGORY)).size).toBe(Object.keys(TOPIC_OF_STREAM_CATEGORY).length);
  });
});
