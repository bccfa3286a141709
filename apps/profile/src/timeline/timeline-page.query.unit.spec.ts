import { decodeCursor, encodeCursor } from './timeline-page.query';

describe('timeline cursors', () => {
  it('round-trip, and anything else is not a cursor', () => {
    const cursor = { time: '2026-03-02T08:00:00.000Z', seq: '00000000000000007003' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(encodeCursor(cursor)).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor('bm90LWEtY3Vyc29y')).toBeNull();
    expect(decodeCursor(Buffer.from('[1,2]').toString('base64url'))).toBeNull();
  });
});
