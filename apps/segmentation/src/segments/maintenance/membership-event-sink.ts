import { Injectable } from '@nestjs/common';
import { EventStoreDerivedEventSink, ReadSideService, type DerivedEvent, type DerivedEventSink } from '@crm/projections';

/** Appends membership events decided outside the projection (sweep, back-fill) to the service's event store. */
@Injectable()
export class MembershipEventSink implements DerivedEventSink {
  constructor(private readonly readSide: ReadSideService) {}

  get connected(): boolean {
    return this.readSide.eventStore !== undefined;
  }

  async append(events: readonly DerivedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const store = this.readSide.eventStore;
    if (!store) throw new Error('event store not connected yet');
    await new EventStoreDerivedEventSink(store).append(events);
  }
}
