import { loyaltyStreamId } from '@crm/contracts';
import type { EventStore } from '@crm/event-store';
import { emptyAccount, evolveAccount, type LoyaltyAccount } from '@crm/loyalty-domain';
import { loyaltyEventFromStored } from './loyalty-event-mapping';

export interface LoadedAccount {
  readonly state: LoyaltyAccount;
  /** Revision of the stream's last event; -1 when the account has no events yet. */
  readonly revision: number;
}

/**
 * Loads accounts from their streams (`loyalty-<customerId>`). Recently used accounts are kept in
 * memory with their revision, so a load reads only the events appended since; `load` always reads
 * the stream, so events another process appended are never missed.
 */
export class AccountRepository {
  private readonly cache = new Map<string, LoadedAccount>();

  constructor(
    private readonly store: EventStore,
    private readonly maxCached: number,
  ) {}

  /** The account as last seen by this process, without asking the store (may be behind other writers). */
  cached(customerId: string): LoadedAccount | undefined {
    return this.cache.get(customerId);
  }

  async load(customerId: string): Promise<LoadedAccount> {
    const cached = this.cache.get(customerId);
    const from = cached ? cached.revision + 1 : 0;
    const stored = await this.store.readStream(loyaltyStreamId(customerId), { fromRevision: from });
    let state = cached?.state ?? emptyAccount(customerId);
    let revision = cached?.revision ?? -1;
    for (const event of stored) {
      state = evolveAccount(state, loyaltyEventFromStored(event));
      revision = event.revision;
    }
    const loaded = { state, revision };
    this.remember(customerId, loaded);
    return loaded;
  }

  remember(customerId: string, loaded: LoadedAccount): void {
    if (this.maxCached === 0) return;
    const cached = this.cache.get(customerId);
    if (cached && cached.revision > loaded.revision) return; // a newer state is already known
    this.cache.delete(customerId); // re-insert: Map order is the LRU order
    this.cache.set(customerId, loaded);
    if (this.cache.size > this.maxCached) this.cache.delete(this.cache.keys().next().value as string);
  }
}
