import { day, eventFactory } from '../testing/profile-events';
import { erasedTimelineEntry, formatMinor, timelineEntryOf } from './timeline-entry';

const ev = eventFactory('c7');

describe('timelineEntryOf', () => {
  it('describes a touchpoint with its channel, personal content in details only', () => {
    const entry = timelineEntryOf(ev('crm.touchpoint.recorded', { channel: 'email', action: 'email_clicked', campaignId: 'spring', url: 'https://shop.example/p?u=ann', metadata: { utm_source: 'nl' } }, day(1)));
    expect(entry).toEqual({
      eventId: 'c7-e0',
      customerId: 'c7',
      type: 'crm.touchpoint.recorded',
      channel: 'email',
      summary: 'Email clicked (campaign spring)',
      time: day(1),
      details: { url: 'https://shop.example/p?u=ann', metadata: { utm_source: 'nl' } },
    });
  });

  it.each([
    ['crm.customer.registered', { email: 'a@x.io', firstName: 'Ann', country: 'DE', acquisitionChannel: 'web' }, 'Registered via web (DE)', undefined, { email: 'a@x.io', firstName: 'Ann' }],
    ['crm.profile.updated', { contact: { email: 'b@x.io' }, lastName: 'Lee', preferences: { size: 'M' } }, 'Profile updated: contact.email, lastName, preferences.size', undefined, { email: 'b@x.io', lastName: 'Lee', preferences: { size: 'M' } }],
    ['crm.identity.linked', { kind: 'external_id', value: 'cus_1', system: 'shopify' }, 'Linked external id (shopify)', undefined, { value: 'cus_1' }],
    ['crm.consent.granted', { channel: 'sms', purpose: 'marketing', policyVersion: '3' }, 'Consent granted: marketing by sms (policy 3)', 'sms', undefined],
    ['crm.consent.withdrawn', { channel: 'email', purpose: 'analytics' }, 'Consent withdrawn: analytics by email', 'email', undefined],
    ['crm.lead.captured', { source: 'webinar', campaignId: 'c1' }, 'Lead captured from webinar (campaign c1)', undefined, undefined],
    ['crm.opportunity.stage-changed', { opportunityId: 'op', from: 'lead', to: 'won', valueMinor: 150000, currency: 'JPY' }, 'Opportunity op moved from lead to won, 150000 JPY', undefined, undefined],
    ['crm.order.placed', { orderId: 'o1', items: [{ sku: 'a', quantity: 1, unitPriceMinor: 1 }], totalMinor: 2500, currency: 'EUR' }, 'Placed order o1: 25.00 EUR, 1 item', undefined, undefined],
    ['crm.order.completed', { orderId: 'o1', totalMinor: 2500, currency: 'EUR' }, 'Completed order o1: 25.00 EUR', undefined, undefined],
    ['crm.order.refunded', { orderId: 'o1', amountMinor: 1, currency: 'KWD', reason: 'too small' }, 'Refund on order o1: 0.001 KWD', undefined, { reason: 'too small' }],
    ['crm.ticket.opened', { ticketId: 't1', channel: 'chat', subject: 'My card', priority: 'high' }, 'Opened ticket t1 (high priority)', 'chat', { subject: 'My card' }],
    ['crm.ticket.resolved', { ticketId: 't1', satisfaction: 5 }, 'Resolved ticket t1, rated 5/5', undefined, undefined],
    ['crm.survey.answered', { surveyId: 's', kind: 'nps', score: 8 }, 'Answered survey s: NPS 8/10', undefined, undefined],
    ['crm.survey.answered', { surveyId: 's', kind: 'free_text', comment: 'Love it' }, 'Answered survey s: free text', undefined, { comment: 'Love it' }],
    ['crm.customer.erased', {}, 'Personal data erased', undefined, undefined],
    ['crm.customer.merged', { survivorId: 'x', mergedId: 'c7', reason: 'identity', identity: { kind: 'email', value: 'a' } }, 'Merged into customer x', undefined, undefined],
    ['crm.brand.new', { anything: 1 }, 'crm.brand.new', undefined, undefined],
  ])('%s → %s', (type, data, summary, channel, details) => {
    const entry = timelineEntryOf(ev(type, data as Record<string, unknown>, day(2)));
    expect(entry.summary).toBe(summary);
    expect(entry.channel).toBe(channel);
    if (details) expect(entry.details).toMatchObject(details);
    else expect(entry.details).toBeUndefined();
  });

  it('keeps the line but not the personal content after erasure', () => {
    const entry = timelineEntryOf(ev('crm.ticket.opened', { ticketId: 't1', channel: 'chat', subject: 'My card', priority: 'high' }, day(1)));
    const erased = erasedTimelineEntry(entry);
    expect(erased).toEqual({ eventId: entry.eventId, customerId: 'c7', type: 'crm.ticket.opened', channel: 'chat', summary: 'Opened ticket t1 (high priority)', time: day(1) });
  });
});

describe('formatMinor', () => {
  it('uses the currency’s own minor digits', () => {
    expect(formatMinor(123456, 'EUR')).toBe('1234.56 EUR');
    expect(formatMinor(500, 'JPY')).toBe('500 JPY');
    expect(formatMinor(1500, 'BHD')).toBe('1.500 BHD');
  });
});
