import { TIME_CAUSE, type LifecycleChange } from '@crm/profile-domain';
import { lifecycleStageChangedEvent } from './lifecycle-stage-changed.event';

const change: LifecycleChange = { n: 6, from: 'loyal', to: 'at-risk', reason: 'no purchase for 90 days', reactivation: false, at: '2026-04-01T00:00:00.000Z', cause: TIME_CAUSE };

describe('lifecycleStageChangedEvent', () => {
  it('names a change by what it is, not by who noticed it or when', () => {
    const a = lifecycleStageChangedEvent('c1', change);
    expect(a.streamId).toBe('lifecycle-c1');
    expect(a.envelope).toMatchObject({ type: 'crm.lifecycle.stage-changed', schemaVersion: 1, source: 'profile', subject: 'c1', time: change.at });
    expect(a.envelope.data).toEqual({ from: 'loyal', to: 'at-risk', reason: 'no purchase for 90 days', reactivation: false, at: change.at });
    expect(a.envelope).not.toHaveProperty('causationId');
    // the same change found later (another history length, another reason wording) is the same event
    expect(lifecycleStageChangedEvent('c1', { ...change, n: 9 }).envelope.id).toBe(a.envelope.id);
    expect(lifecycleStageChangedEvent('c2', change).envelope.id).not.toBe(a.envelope.id);
    expect(lifecycleStageChangedEvent('c1', { ...change, at: '2026-04-02T00:00:00.000Z' }).envelope.id).not.toBe(a.envelope.id);
  });

  it('names the causing event as causation', () => {
    const caused = lifecycleStageChangedEvent('c1', { ...change, from: 'churned', to: 'repeat-customer', reactivation: true, cause: 'evt-42' });
    expect(caused.envelope.causationId).toBe('evt-42');
    expect(caused.envelope.id).not.toBe(lifecycleStageChangedEvent('c1', { ...change, from: 'churned', to: 'repeat-customer', cause: 'evt-43' }).envelope.id);
  });
});
