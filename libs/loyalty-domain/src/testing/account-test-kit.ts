import type { LoyaltyEvent } from '@crm/contracts';
import { decideLoyalty, type Decision } from '../account/decide-loyalty';
import { emptyAccount, evolveAccount, type LoyaltyAccount } from '../account/loyalty-account';
import type { LoyaltyCommand, NewLoyaltyEvent } from '../account/loyalty-commands';
import { remainingPoints } from '../account/lots';
import { DEFAULT_PROGRAM, type LoyaltyProgram } from '../program/loyalty-program';

/**
 * An account driven through decide → evolve in memory, the way the service drives it through the
 * event store: `given(...)` runs commands that must succeed, `when(...)` returns the decision.
 * Every step checks the invariants an account must always keep.
 */
export class AccountUnderTest {
  state: LoyaltyAccount;
  readonly history: LoyaltyEvent[] = [];
  private sequence = 0;

  constructor(
    readonly program: LoyaltyProgram = DEFAULT_PROGRAM,
    customerId = 'c-1',
  ) {
    this.state = emptyAccount(customerId);
    // Event ids are unique across accounts in the store; the default customer keeps short ones.
    this.idPrefix = customerId === 'c-1' ? '' : `${customerId}-`;
  }

  private readonly idPrefix: string;

  /** Decides and, when accepted, stores the events. */
  when(command: LoyaltyCommand): Decision {
    const decision = decideLoyalty(command, this.state, this.program);
    if (decision.ok) this.store(decision.events, command.at);
    return decision;
  }

  /** Runs commands that must be accepted; returns the events they stored. */
  given(...commands: LoyaltyCommand[]): NewLoyaltyEvent[] {
    const stored: NewLoyaltyEvent[] = [];
    for (const command of commands) {
      const decision = this.when(command);
      if (!decision.ok) throw new Error(`${command.type} refused: ${decision.error.message}`);
      stored.push(...decision.events);
    }
    return stored;
  }

  store(events: readonly NewLoyaltyEvent[], at: string): LoyaltyEvent[] {
    const stored = events.map((e) => ({ ...e, id: `${this.idPrefix}evt-${++this.sequence}`, schemaVersion: 1, source: 'test', subject: this.state.customerId, time: at }) as LoyaltyEvent);
    for (const event of stored) {
      this.state = evolveAccount(this.state, event);
      this.history.push(event);
      assertInvariants(this.state, event, this.program);
    }
    return stored;
  }
}

/** What must hold after every event, whatever the commands were. */
export function assertInvariants(state: LoyaltyAccount, event: LoyaltyEvent, program: LoyaltyProgram): void {
  const problems: string[] = [];
  const lots = remainingPoints(state.lots);
  if (state.balance !== lots - state.debt) problems.push(`balance ${state.balance} ≠ lots ${lots} − debt ${state.debt}`);
  if (state.debt > 0 && lots > 0) problems.push(`debt ${state.debt} while lots hold ${lots}`);
  if (state.debt < 0) problems.push(`negative debt ${state.debt}`);
  if (state.balance < program.refunds.balanceFloor) problems.push(`balance ${state.balance} below floor ${program.refunds.balanceFloor}`);
  for (const l of state.lots) if (l.remaining < 0 || l.remaining > l.points) problems.push(`lot ${l.lotId} remaining ${l.remaining} of ${l.points}`);
  const data = event.data as { balance?: number; lifetimeEarned?: number };
  if (data.balance !== undefined && data.balance !== state.balance) problems.push(`event says balance ${data.balance}, state has ${state.balance}`);
  if (data.lifetimeEarned !== undefined && data.lifetimeEarned !== state.lifetimeEarned) problems.push(`event says lifetime ${data.lifetimeEarned}, state has ${state.lifetimeEarned}`);
  if (problems.length > 0) throw new Error(`after ${event.type}: ${problems.join('; ')}`);
}

export const points = (events: readonly NewLoyaltyEvent[]): number[] => events.map((e) => (e.data as { points?: number }).points ?? 0);
