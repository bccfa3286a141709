import type { CustomerEventRecord } from '@crm/contracts';
import { commandsForCustomerEvent, type LoyaltyCommand, type LoyaltyProgram } from '@crm/loyalty-domain';
import type { AccountCommands, CommandContext, CommandOutcome } from '../accounts/account-commands';

/** Longest chain of merged accounts followed to a survivor (ingest flattens chains, so they stay short). */
const MAX_MERGE_HOPS = 16;

/** Customers whose events are handled at once (their appends share transactions); one customer's events always in order. */
const PARALLEL_CUSTOMERS = 64;

/**
 * Turns a batch of customer events into commands on the loyalty accounts. Each customer's events
 * are applied in their order; different customers in parallel. An event for a customer who was
 * merged meanwhile goes to the survivor's account. A merge hands the merged account to the
 * survivor in two steps (each idempotent), so a redelivered merge finishes what a crash left.
 */
export class CustomerEventCommands {
  constructor(
    private readonly accounts: AccountCommands,
    private readonly program: LoyaltyProgram,
  ) {}

  async apply(records: readonly CustomerEventRecord[]): Promise<void> {
    const byCustomer = new Map<string, CustomerEventRecord[]>();
    for (const record of records) {
      const list = byCustomer.get(record.envelope.subject) ?? [];
      list.push(record);
      byCustomer.set(record.envelope.subject, list);
    }
    const queues = [...byCustomer.values()];
    const workers = Array.from({ length: Math.min(PARALLEL_CUSTOMERS, queues.length) }, async () => {
      for (let queue = queues.shift(); queue; queue = queues.shift()) await this.applyCustomer(queue);
    });
    await Promise.all(workers);
  }

  /**
   * All of a customer's commands are handed to the account at once, in order: the account applies
   * them in that order and appends those that queue up together in one go.
   */
  private async applyCustomer(records: readonly CustomerEventRecord[]): Promise<void> {
    const runs: Promise<void>[] = [];
    for (const record of records) {
      const context: CommandContext = { causationId: record.envelope.id, ...(record.envelope.correlationId ? { correlationId: record.envelope.correlationId } : {}) };
      for (const { customerId, command } of commandsForCustomerEvent(record.envelope, this.program)) {
        runs.push(this.run(customerId, command, context, record.envelope.time));
      }
    }
    await Promise.all(runs);
  }

  // Called synchronously up to its first await, so commands reach the account in call order.
  private async run(customerId: string, command: LoyaltyCommand, context: CommandContext, at: string): Promise<void> {
    const outcome = await this.executeFollowingMerges(customerId, command, context);
    if (command.type === 'TransferOnMerge' && outcome.ok) await this.creditSurvivor(outcome, at, context);
  }

  /** The survivor's side of a merge, derived from the merged account's transfer event. */
  private async creditSurvivor(merged: Extract<CommandOutcome, { ok: true }>, at: string, context: CommandContext): Promise<void> {
    const out = merged.state.transferOut;
    if (!out) return;
    const command: LoyaltyCommand = { type: 'ReceiveMergedAccount', transferEventId: out.eventId, mergedId: merged.state.customerId, transfer: out.transfer, at };
    await this.executeFollowingMerges(out.survivorId, command, context);
  }

  private async executeFollowingMerges(customerId: string, command: LoyaltyCommand, context: CommandContext): Promise<CommandOutcome> {
    let target = customerId;
    for (let hop = 0; ; hop++) {
      const outcome = await this.accounts.execute(target, command, context);
      if (outcome.ok || outcome.error.code !== 'account-merged' || !outcome.error.mergedInto || hop >= MAX_MERGE_HOPS) {
        if (!outcome.ok && outcome.error.code !== 'account-merged') {
          // Commands from customer events are not refused by the rules; a refusal is a defect to surface (dead letter).
          throw new Error(`${command.type} for ${target} refused: ${outcome.error.message}`);
        }
        return outcome;
      }
      target = outcome.error.mergedInto;
    }
  }
}
