import { authHeader } from '@crm/platform/testing';
import { READER_API_KEY, segmentationTestSettings, startSegmentationApp, stopSegmentationApp, waitFor, type SegmentationTestApp } from '../../testing/segmentation-test-app';

// Real MongoDB-wire server, Kafka and PostgreSQL (infra/local/crm-infra up), isolated per run.
let test: SegmentationTestApp;

beforeAll(async () => {
  test = await startSegmentationApp(segmentationTestSettings());
}, 90_000);

afterAll(() => stopSegmentationApp(test));

const lapsed = {
  id: 'lapsed-buyers',
  name: 'Lapsed buyers',
  description: 'Bought before, nothing for 120 days',
  rule: { all: [{ field: 'orders', gte: 1 }, { event: 'crm.order.completed', withinDays: 120, count: { eq: 0 } }] },
};

describe('segment definitions API', () => {
  it('starts a new installation with the starter segments, back-filled', async () => {
    const res = await test.http().get('/v1/segments').set(authHeader()).expect(200);
    expect(res.body.map((s: { id: string }) => s.id)).toEqual(['high-value', 'prospects', 'repeat-buyers']);
    await waitFor(async () => {
      const list = (await test.http().get('/v1/segments').set(authHeader())).body as { backfill: { status: string } }[];
      return list.every((s) => s.backfill.status === 'done');
    }, 'starter back-fills');
  });

  it('creates a segment at version 1 with its back-fill, and serves it with its version as ETag', async () => {
    const created = await test.http().post('/v1/segments').set(authHeader()).send(lapsed).expect(201);
    expect(created.headers['location']).toBe('/v1/segments/lapsed-buyers');
    expect(created.body).toMatchObject({ ...lapsed, version: 1, members: 0, backfill: { version: 1, reason: 'created' } });
    const done = await waitFor(async () => {
      const res = await test.http().get('/v1/segments/lapsed-buyers').set(authHeader()).expect(200);
      return res.body.backfill.status === 'done' ? res : undefined;
    }, 'the back-fill');
    expect(done.headers['etag']).toBe('"1"');
    expect(done.body.backfill).toMatchObject({ status: 'done', customersScanned: 0, entered: 0, exited: 0 });
    expect(done.body.backfill.durationMs).toEqual(expect.any(Number));
  });

  it('answers 400 with every problem at its JSON path, in the platform error format', async () => {
    const res = await test
      .http()
      .post('/v1/segments')
      .set(authHeader())
      .send({ id: 'Bad Id', name: 'x', rule: { all: [{ field: 'orders', gte: 1 }, { event: 'crm.order.completed', withinDays: 0 }, { field: 'shoeSize', eq: 1 }] } })
      .expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: 'Invalid segment' });
    expect(res.body.errors).toEqual([
      { field: 'id', messages: ['must be 1 to 64 lower-case letters, digits or dashes, starting with a letter or digit'] },
      { field: 'rule.all[1].withinDays', messages: ['must be a positive integer'] },
      { field: 'rule.all[2].field', messages: [expect.stringMatching(/^unknown field "shoeSize"/)] },
    ]);
    const notJson = await test.http().post('/v1/segments').set(authHeader()).set('content-type', 'application/json').send('{"id":').expect(400);
    expect(notJson.body.errors).toEqual([{ field: '', messages: [expect.any(String)] }]);
  });

  it('refuses a second segment with the same id (409) and a change based on another version (412)', async () => {
    await test.http().post('/v1/segments').set(authHeader()).send(lapsed).expect(409);
    const stale = await test.http().put('/v1/segments/lapsed-buyers').set(authHeader()).set('If-Match', '"7"').send({ name: 'x', rule: lapsed.rule }).expect(412);
    expect(stale.body).toMatchObject({ statusCode: 412, version: 1 });
    await test.http().put('/v1/segments/lapsed-buyers').set(authHeader()).set('If-Match', 'soon').send({ name: 'x', rule: lapsed.rule }).expect(400);
  });

  it('versions every change; only a changed rule is back-filled again', async () => {
    const renamed = await test.http().put('/v1/segments/lapsed-buyers').set(authHeader()).set('If-Match', '"1"').send({ name: 'Lapsed', rule: lapsed.rule }).expect(200);
    expect(renamed.body).toMatchObject({ version: 2, name: 'Lapsed', backfill: { version: 1 } });
    expect(renamed.headers['etag']).toBe('"2"');
    const same = await test.http().put('/v1/segments/lapsed-buyers').set(authHeader()).send({ name: 'Lapsed', rule: lapsed.rule }).expect(200);
    expect(same.body.version).toBe(2);
    const rule = { all: [{ field: 'orders', gte: 2 }, { event: 'crm.order.completed', withinDays: 90, count: { eq: 0 } }] };
    const changed = await test.http().put('/v1/segments/lapsed-buyers').set(authHeader()).send({ id: 'lapsed-buyers', name: 'Lapsed', rule }).expect(200);
    expect(changed.body).toMatchObject({ version: 3, rule, backfill: { version: 3, reason: 'rule changed' } });
    const versions = await test.http().get('/v1/segments/lapsed-buyers/versions').set(authHeader()).expect(200);
    expect(versions.body.map((v: { version: number; name: string }) => [v.version, v.name])).toEqual([
      [1, 'Lapsed buyers'],
      [2, 'Lapsed'],
      [3, 'Lapsed'],
    ]);
    await test.http().put('/v1/segments/nobody').set(authHeader()).send({ name: 'x', rule }).expect(404);
  });

  it('deletes a segment (204), then knows it no more; the id may be defined again at the next version', async () => {
    await test.http().delete('/v1/segments/lapsed-buyers').set(authHeader()).set('If-Match', '"3"').expect(204);
    await test.http().get('/v1/segments/lapsed-buyers').set(authHeader()).expect(404);
    await test.http().delete('/v1/segments/lapsed-buyers').set(authHeader()).expect(404);
    const again = await test.http().post('/v1/segments').set(authHeader()).send(lapsed).expect(201);
    expect(again.body.version).toBe(4);
    const versions = await test.http().get('/v1/segments/lapsed-buyers/versions').set(authHeader()).expect(200);
    expect(versions.body.find((v: { version: number }) => v.version === 3)).toMatchObject({ deleted: true });
  });

  it('needs segments:write to change segments and segments:read to read them', async () => {
    const reader = { 'x-api-key': READER_API_KEY };
    await test.http().get('/v1/segments').set(reader).expect(200);
    const refused = await test.http().post('/v1/segments').set(reader).send({ ...lapsed, id: 'x' }).expect(403);
    expect(refused.body.missingScopes).toEqual(['segments:write']);
    await test.http().delete('/v1/segments/prospects').set(reader).expect(403);
    await test.http().get('/v1/segments').expect(401);
  });
});
