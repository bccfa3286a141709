import { getModelToken } from '@nestjs/mongoose';
import type { Model, mongo } from 'mongoose';
import { CUSTOMER_PROFILE_MODEL } from '../customers/customer-profile.projection';
import { day, recordFactory } from '../testing/records';
import { profileTestSettings, startProfileApp, stopProfileApp, type ProfileTestApp } from '../testing/profile-test-app';
import { CUSTOMER_TIMELINE_MODEL } from './customer-timeline.projection';

// Real MongoDB-wire server, Kafka and PostgreSQL, isolated per run.
const settings = profileTestSettings();
const r = recordFactory(7000);

const views = Array.from({ length: 6 }, (_, i) => r('t1', 'crm.touchpoint.recorded', { channel: 'web', action: 'page_viewed', url: `https://shop.example/p/${i}` }, day(1, i)));
const t1 = [
  r('t1', 'crm.customer.registered', { email: 't1@example.com', firstName: 'Tia' }, day(0)),
  ...views,
  // two at the same instant: the later in the log comes first
  r('t1', 'crm.touchpoint.recorded', { channel: 'email', action: 'email_opened', campaignId: 'c9' }, day(2)),
  r('t1', 'crm.touchpoint.recorded', { channel: 'email', action: 'email_clicked', campaignId: 'c9' }, day(2)),
  r('t1', 'crm.ticket.opened', { ticketId: 'tk1', channel: 'chat', subject: 'Charged twice', priority: 'high' }, day(3)),
  r('t1', 'crm.order.completed', { orderId: 'o1', totalMinor: 1999, currency: 'EUR' }, day(4)),
];
const merged = [
  r('t2', 'crm.customer.registered', { email: 't2@example.com' }, day(0, 12)),
  r('t2', 'crm.touchpoint.recorded', { channel: 'app', action: 'app_opened' }, day(1, 12)),
  r('t1', 'crm.identity.linked', { kind: 'email', value: 't2@example.com' }, day(5)),
  r('t2', 'crm.customer.merged', { survivorId: 't1', mergedId: 't2', reason: 'identity', identity: { kind: 'email', value: 't2@example.com' } }, day(5)),
];
const erasure = [
  r('e2', 'crm.customer.registered', { email: 'e2@example.com', firstName: 'Eve' }, day(0)),
  r('e2', 'crm.ticket.opened', { ticketId: 'tk9', channel: 'email', subject: 'Delete my data', priority: 'normal' }, day(1)),
  r('e1', 'crm.identity.linked', { kind: 'email', value: 'e2@example.com' }, day(2)),
  r('e2', 'crm.customer.merged', { survivorId: 'e1', mergedId: 'e2', reason: 'identity', identity: { kind: 'email', value: 'e2@example.com' } }, day(2)),
  r('e1', 'crm.customer.registered', { email: 'e1@example.com', firstName: 'Eli', lastName: 'Ng', birthDate: '1990-02-03', country: 'SE' }, day(0)),
  r('e1', 'crm.consent.granted', { channel: 'email', purpose: 'marketing' }, day(0)),
  r('e1', 'crm.survey.answered', { surveyId: 's1', kind: 'free_text', comment: 'I live at Main St 1' }, day(3)),
  r('e1', 'crm.order.completed', { orderId: 'e1-o1', totalMinor: 500, currency: 'SEK' }, day(3)),
  r('e1', 'crm.customer.erased', { requestedBy: 'customer' }, day(4)),
  r('e1', 'crm.profile.updated', { firstName: 'Back', contact: { phone: '+46 70 123 45 67' } }, day(5)),
  r('e1', 'crm.touchpoint.recorded', { channel: 'web', action: 'page_viewed', url: 'https://shop.example/eli' }, day(6)),
];

let test: ProfileTestApp;
let timeline: mongo.Collection<Record<string, unknown>>;
let profiles: mongo.Collection<Record<string, unknown>>;

beforeAll(async () => {
  test = await startProfileApp(settings);
  timeline = test.app.get<Model<Record<string, unknown>>>(getModelToken(CUSTOMER_TIMELINE_MODEL)).collection as never;
  profiles = test.app.get<Model<Record<string, unknown>>>(getModelToken(CUSTOMER_PROFILE_MODEL)).collection as never;
  await test.readSide.applyToAll([...t1, ...merged, ...erasure]);
}, 90_000);

afterAll(() => stopProfileApp(test), 60_000);

type Page = { customerId: string; items: { eventId: string; type: string; summary: string; time: string; channel?: string; details?: object }[]; nextCursor?: string; redirectedFrom?: string };

async function allPages(path: string, limit: number): Promise<Page[]> {
  const pages: Page[] = [];
  let cursor: string | undefined;
  do {
    const res = await test.get(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&before=${cursor}` : ''}`).expect(200);
    pages.push(res.body);
    cursor = res.body.nextCursor;
  } while (cursor && pages.length < 20);
  return pages;
}

describe('GET /v1/customers/:id/timeline', () => {
  it('pages through every entry, most recent first, once each — a survivor’s with its merged customer’s', async () => {
    const pages = await allPages('/v1/customers/t1/timeline', 3);
    const items = pages.flatMap((p) => p.items);
    const expected = [...t1, ...merged].map((rec) => rec.envelope.id);
    expect(items.map((i) => i.eventId).sort()).toEqual([...expected].sort());
    expect(pages.map((p) => p.items.length)).toEqual([3, 3, 3, 3, 3]); // 15 entries
    expect(pages.at(-1)!.nextCursor).toBeUndefined();
    const times = items.map((i) => i.time);
    expect(times).toEqual([...times].sort().reverse());
    const sameInstant = items.filter((i) => i.time === day(2)).map((i) => i.summary);
    expect(sameInstant).toEqual(['Email clicked (campaign c9)', 'Email opened (campaign c9)']);
    expect(items[0]).toMatchObject({ type: 'crm.customer.merged', summary: 'Merged into customer t1', time: day(5) });
    expect(items.find((i) => i.type === 'crm.ticket.opened')).toMatchObject({ channel: 'chat', summary: 'Opened ticket tk1 (high priority)', details: { subject: 'Charged twice' } });
  });

  it('filters by channel, answers for a merged id with the survivor, and refuses a cursor it did not make', async () => {
    const web = await test.get('/v1/customers/t1/timeline?channel=web&limit=50').expect(200);
    expect(web.body.items.map((i: { details: { url: string } }) => i.details.url)).toEqual(views.map((v) => v.envelope.data['url']).reverse());
    const asMerged = await test.get('/v1/customers/t2/timeline?limit=1').expect(200);
    expect(asMerged.body).toMatchObject({ customerId: 't1', redirectedFrom: 't2' });
    expect(asMerged.headers['content-location']).toBe('/v1/customers/t1/timeline');
    const bad = await test.get('/v1/customers/t1/timeline?before=bm90LWEtY3Vyc29y').expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['before']);
    await test.get('/v1/customers/nobody/timeline').expect(404);
  });

  it('writes each event once: applying the same events again adds nothing', async () => {
    const before = await timeline.countDocuments({});
    await test.readSide.applyToAll([...t1, ...merged]);
    expect(await timeline.countDocuments({})).toBe(before);
    expect(before).toBe(t1.length + merged.length + erasure.length);
  });
});

describe('erasure', () => {
  it('scrubs personal fields and keeps counts, stage and the lines of the timeline', async () => {
    const res = await test.get('/v1/customers/e1').expect(200);
    for (const field of ['email', 'phone', 'firstName', 'lastName', 'birthDate']) expect(res.body).not.toHaveProperty(field);
    expect(res.body).toMatchObject({ erasedAt: day(4), identifiers: [], consents: {}, preferences: {}, country: 'SE', orders: 1, revenueMinorByCurrency: { SEK: 500 }, lifecycleStage: 'first-time-customer', mergedFrom: ['e2'] });
    const lines = (await test.get('/v1/customers/e1/timeline?limit=50').expect(200)).body as Page;
    expect(lines.items).toHaveLength(erasure.length);
    expect(lines.items.filter((i) => i.details !== undefined)).toEqual([]); // never served, even before the sweep
    expect(lines.items.map((i) => i.summary)).toContain('Answered survey s1: free text');
  });

  it('removes the personal content from storage — the merged customer’s too — with the sweep, idempotently', async () => {
    const personal = { customerId: { $in: ['e1', 'e2'] }, details: { $exists: true } };
    // registrations, the ticket subject, the linked email, the comment, the late update and page view
    expect(await timeline.countDocuments(personal)).toBe(7); // the fold cannot reach other entries: the sweep does
    const swept = await test.sweep.runOnce(new Date(day(7)));
    expect(swept).toMatchObject({ erasure: { timelineEntries: 7, mergedProfiles: 1 } });
    expect(await timeline.countDocuments(personal)).toBe(0);
    expect(await timeline.countDocuments({ customerId: { $in: ['e1', 'e2'] } })).toBe(erasure.length);
    const e2 = (await profiles.findOne({ _id: 'e2' as never }))!;
    expect(e2).toMatchObject({ mergedInto: 'e1', erasedAt: day(4), identifiers: [] });
    expect(e2).not.toHaveProperty('email');
    expect(await timeline.countDocuments({ customerId: 't1', details: { $exists: true } })).toBeGreaterThan(0); // nobody else's
    expect(await test.sweep.runOnce(new Date(day(7)))).toMatchObject({ erasure: { timelineEntries: 0, mergedProfiles: 0 } });
  });
});
