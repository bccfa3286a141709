import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Model, mongo } from 'mongoose';
import { balanceView, emptyAccount, tierProgress, type BalanceView, type LoyaltyProgram, type PendingOrders, type TierProgress } from '@crm/loyalty-domain';
import { RequireScopes } from '@crm/platform';
import { findFollowingMerges, type ProjectionMetadata } from '@crm/projections';
import { LOYALTY_PROGRAM } from '../program/load-program';
import { LedgerQuery } from './ledger.query';
import { LOYALTY_ACCOUNT_MODEL, LOYALTY_LEDGER_MODEL, LOYALTY_PENDING_MODEL, type AccountDocument, type LedgerEntry } from './loyalty-read-models';

type Collection = mongo.Collection<Record<string, unknown>>;
type Stored<T> = T & { _id: string; _metadata: ProjectionMetadata };

const MERGE_NOTE = 'A merged customer answers with its survivor’s account and `redirectedFrom` naming the id asked for.';

/**
 * Reads of the MongoDB read model (projected from `crm.loyalty-events.v1`), so they lag the
 * account streams by the relay and the projection; `_metadata.revisions.loyalty` says which
 * account event they reflect. A redemption's own answer comes from the stream itself.
 */
@RequireScopes('loyalty:read')
@ApiTags('loyalty')
@Controller('v1/loyalty/accounts')
export class AccountsHttpController {
  private readonly accounts: Collection;
  private readonly ledger: Collection;
  private readonly pending: Collection;

  constructor(
    @InjectModel(LOYALTY_ACCOUNT_MODEL) accounts: Model<Record<string, unknown>>,
    @InjectModel(LOYALTY_LEDGER_MODEL) ledger: Model<Record<string, unknown>>,
    @InjectModel(LOYALTY_PENDING_MODEL) pending: Model<Record<string, unknown>>,
    @Inject(LOYALTY_PROGRAM) private readonly program: LoyaltyProgram,
  ) {
    this.accounts = accounts.collection as unknown as Collection;
    this.ledger = ledger.collection as unknown as Collection;
    this.pending = pending.collection as unknown as Collection;
  }

  @Get(':customerId')
  @ApiOperation({ summary: 'Balance: available points, pending points (orders placed, not yet completed), points expiring soon, lifetime points and tier' })
  @ApiOkResponse({ description: `\`expiringSoon\` covers the program's \`expiry.expiringSoonDays\`. ${MERGE_NOTE}` })
  @ApiNotFoundResponse({ description: 'No loyalty activity for this customer yet' })
  async balance(@Param('customerId') customerId: string): Promise<BalanceView & { redirectedFrom?: string; _metadata: ProjectionMetadata | null }> {
    const found = await findFollowingMerges(this.accounts, customerId);
    const id = found ? String(found.document['_id']) : customerId;
    const pending = (await this.pending.findOne({ _id: id as never })) as Stored<PendingOrders> | null;
    if (!found && !pending) throw new NotFoundException(`loyalty account ${customerId} not found`);
    const account = (found?.document as unknown as Stored<AccountDocument> | undefined) ?? null;
    const view = balanceView(account ?? emptyAccount(id), pending, this.program, new Date().toISOString());
    return { ...view, ...(found?.redirectedFrom ? { redirectedFrom: found.redirectedFrom } : {}), _metadata: account?._metadata ?? null };
  }

  @Get(':customerId/ledger')
  @ApiOperation({ summary: 'Ledger: every points movement and tier change of the account, newest first, paged' })
  @ApiOkResponse({ description: '`{ items, page, pageSize, total }`; each item has signed `points` and the balances after it. A merged customer’s ledger is its own history; its survivor’s ledger shows the merge.' })
  async ledgerPage(@Param('customerId') customerId: string, @Query() query: LedgerQuery): Promise<{ items: LedgerEntry[]; page: number; pageSize: number; total: number }> {
    const filter = { customerId };
    const [docs, total] = await Promise.all([
      this.ledger.find(filter).sort({ revision: -1 }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).toArray(),
      this.ledger.countDocuments(filter),
    ]);
    const items = docs.map((d) => {
      const { _id: _ignoredId, _metadata: _ignoredMeta, ...entry } = d as unknown as Stored<LedgerEntry>;
      return entry as LedgerEntry;
    });
    return { items, page: query.page, pageSize: query.pageSize, total };
  }

  @Get(':customerId/tier')
  @ApiOperation({ summary: 'Tier and progress: the qualifying points or spend in the window, what the next tier needs, and when a downgrade would be due' })
  @ApiOkResponse({ description: MERGE_NOTE })
  @ApiNotFoundResponse({ description: 'No loyalty activity for this customer yet' })
  async tier(@Param('customerId') customerId: string): Promise<TierProgress & { customerId: string; redirectedFrom?: string }> {
    const found = await findFollowingMerges(this.accounts, customerId);
    if (!found) throw new NotFoundException(`loyalty account ${customerId} not found`);
    const account = found.document as unknown as Stored<AccountDocument>;
    return {
      customerId: account.customerId,
      ...tierProgress(account, this.program, new Date().toISOString()),
      ...(found.redirectedFrom ? { redirectedFrom: found.redirectedFrom } : {}),
    };
  }
}
