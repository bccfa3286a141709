import { loyaltyStreamId, type LoyaltyEvent } from '@crm/contracts';
import { GroupCommitAppender, IdempotencyConflictError, WrongExpectedRevisionError, type EventStore } from '@crm/event-store';
import { commandKey, decideLoyalty, evolveAccount, type LoyaltyAccount, type LoyaltyCommand, type LoyaltyError, type LoyaltyProgram } from '@crm/loyalty-domain';
import { sleep } from '@crm/messaging';
import { AccountRepository } from './account-repository';
import { loyaltyEventId } from './loyalty-event-ids';
import { newEventFromLoyaltyEvent } from './loyalty-event-mapping';

export type CommandOutcome =
  | {
      readonly ok: true;
      /** The events this call appended; empty when the command had already been applied (or changed nothing). */
      readonly events: readonly LoyaltyEvent[];
      /** The account right after this command. */
      readonly state: LoyaltyAccount;
    }
  | { readonly ok: false; readonly error: LoyaltyError; readonly state: LoyaltyAccount };

export class ConcurrencyExhaustedError extends Error {
  constructor(what: string, attempts: number) {
    super(`${what} kept changing under ${attempts} attempts; retry the request`);
    this.name = 'ConcurrencyExhaustedError';
  }
}

export interface CommandContext {
  readonly correlationId?: string;
  /** The event that caused the command (its id is the causation id of the events decided). */
  readonly causationId?: string;
}

export interface AccountCommandsOptions {
  readonly maxAttempts: number;
  readonly cacheSize: number;
  /** Most commands of one account decided together and appended in one go. */
  readonly maxGroup?: number;
  /** Called for every lost race, for metrics. */
  readonly onConflict?: () => void;
}

interface Queued {
  readonly command: LoyaltyCommand;
  readonly context: CommandContext;
  readonly resolve: (outcome: CommandOutcome) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Runs commands against accounts: decide on the account's state, append the events with the
 * revision they were decided at. When another writer got there first the append fails on the
 * expected revision and the commands are decided again on the newer state, so a decision is never
 * applied to a state it did not see (two redemptions can never both spend the same points). Event
 * ids derive from each command's idempotency key, so a command decided twice appends once.
 *
 * Commands for one account queue up in this process: while one group is being appended, the next
 * commands wait and are then decided one after the other on the evolving state and appended
 * together, in one append, so a hot account costs one round trip per group, not per command.
 * A group is first decided on the account as this process last saw it, without reading: a
 * successful append proves (by its expected revision) that this was the current state, for the
 * refusals in the group too. A group that appends nothing proves nothing, so it is decided again
 * on a fresh read before it is answered. Appends to different accounts share transactions
 * (group commit), like ingest's.
 */
export class AccountCommands {
  private readonly queues = new Map<string, Queued[]>();
  private readonly appender: GroupCommitAppender;
  readonly accounts: AccountRepository;

  constructor(
    store: EventStore,
    private readonly program: LoyaltyProgram,
    private readonly options: AccountCommandsOptions,
  ) {
    this.accounts = new AccountRepository(store, options.cacheSize);
    this.appender = new GroupCommitAppender(store, { maxBatch: 200, maxInFlight: 2 });
  }

  /** Commands for one account are applied in the order they were given. */
  execute(customerId: string, command: LoyaltyCommand, context: CommandContext = {}): Promise<CommandOutcome> {
    return new Promise<CommandOutcome>((resolve, reject) => {
      const queue = this.queues.get(customerId);
      if (queue) {
        queue.push({ command, context, resolve, reject });
        return;
      }
      this.queues.set(customerId, [{ command, context, resolve, reject }]);
      void this.drain(customerId);
    });
  }

  private async drain(customerId: string): Promise<void> {
    const queue = this.queues.get(customerId);
    while (queue && queue.length > 0) {
      const group = queue.splice(0, this.options.maxGroup ?? 100);
      try {
        const outcomes = await this.runGroup(customerId, group);
        group.forEach((q, i) => q.resolve(outcomes[i]));
      } catch (error) {
        group.forEach((q) => q.reject(error as Error));
      }
    }
    this.queues.delete(customerId);
  }

  private async runGroup(customerId: string, group: readonly Queued[]): Promise<CommandOutcome[]> {
    const streamId = loyaltyStreamId(customerId);
    let trustCache = true;
    for (let attempt = 1; attempt <= this.options.maxAttempts; ) {
      const cached = trustCache ? this.accounts.cached(customerId) : undefined;
      const { state: start, revision } = cached ?? (await this.accounts.load(customerId));
      let state = start;
      const outcomes: CommandOutcome[] = [];
      const events: LoyaltyEvent[] = [];
      for (const { command, context } of group) {
        const decision = decideLoyalty(command, state, this.program);
        if (!decision.ok) {
          outcomes.push({ ok: false, error: decision.error, state });
          continue;
        }
        // Commands keyed by the account's state take the revision they were decided at.
        const key = commandKey(command) ?? `${command.type}@${revision + events.length}`;
        const decided = decision.events.map((e, i) => envelope(streamId, key, i, customerId, command.at, e, context));
        state = decided.reduce(evolveAccount, state);
        events.push(...decided);
        outcomes.push({ ok: true, events: decided, state });
      }
      if (events.length === 0) {
        if (cached) {
          trustCache = false; // nothing to append proves the cached state current: confirm on a fresh read
          continue;
        }
        return outcomes;
      }
      try {
        const result = await this.appender.append({ streamId, events: events.map(newEventFromLoyaltyEvent), expectedRevision: revision < 0 ? 'no_stream' : revision });
        if (!result.duplicate) {
          this.accounts.remember(customerId, { state, revision: result.nextExpectedRevision });
          return outcomes;
        }
        // Already stored by an attempt whose answer was lost: decided again, they come out empty.
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError || error instanceof IdempotencyConflictError)) throw error;
        this.options.onConflict?.();
        // Another process appended: spread the retries so they do not collide again in lockstep.
        await sleep(Math.floor(Math.random() * Math.min(50, 2 ** attempt)));
      }
      trustCache = false;
      attempt++;
    }
    throw new ConcurrencyExhaustedError(`account ${customerId}`, this.options.maxAttempts);
  }
}

function envelope(
  streamId: string,
  key: string,
  index: number,
  customerId: string,
  at: string,
  decided: { type: string; data: unknown },
  context: CommandContext,
): LoyaltyEvent {
  return {
    id: loyaltyEventId(streamId, key, index),
    type: decided.type,
    schemaVersion: 1,
    source: 'loyalty',
    subject: customerId,
    time: at,
    data: decided.data,
    ...(context.correlationId ? { correlationId: context.correlationId } : {}),
    ...(context.causationId ? { causationId: context.causationId } : {}),
  } as LoyaltyEvent;
}
