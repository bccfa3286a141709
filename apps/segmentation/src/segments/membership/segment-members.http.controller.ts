import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '@crm/platform';
import { explainRule, reasonOf, type Explanation } from '@crm/segmentation-domain';
import type { SegmentCatalogue } from '../catalogue/segment-catalogue';
import { ListSegmentMembersQuery, SegmentHistoryQuery } from '../definitions/segment-queries';
import { SegmentDefinitionsRepository, toDefinition } from '../definitions/segment-definitions.repository';
import { factsView } from '../definitions/segment-views';
import { SegmentSizeHistoryRepository, type SizePoint } from '../history/segment-size-history.repository';
import { SEGMENT_CATALOGUE } from '../maintenance/maintenance.tokens';
import { fromStored } from './customer-segments.document';
import { CustomerSegmentsStore } from './customer-segments.store';

export interface MembersPage {
  items: Record<string, unknown>[];
  page: number;
  pageSize: number;
  total: number;
  /** Pass as `after` for the next page; absent on the last page. */
  nextAfter?: string;
}

export interface MembershipExplanation {
  segmentId: string;
  segmentName: string;
  segmentVersion: number;
  customerId: string;
  /** Membership as stored (what events said last). */
  member: boolean;
  /** The rule judged now on the stored facts; differs from `member` only until the next sweep. */
  holds: boolean;
  evaluatedAt: string;
  reason: string;
  explanation: Explanation | null;
  mergedInto?: string;
}

@RequireScopes('segments:read')
@ApiTags('segments')
@Controller('v1/segments')
export class SegmentMembersHttpController {
  constructor(
    private readonly memberships: CustomerSegmentsStore,
    private readonly definitions: SegmentDefinitionsRepository,
    private readonly history: SegmentSizeHistoryRepository,
    @Inject(SEGMENT_CATALOGUE) private readonly catalogue: SegmentCatalogue,
  ) {}

  @Get(':segmentId/members')
  @ApiOperation({ summary: 'Customers in a segment, by customer id, with the facts the rule read' })
  @ApiOkResponse({ description: '`{ items, page, pageSize, total, nextAfter }`' })
  @ApiNotFoundResponse({ description: 'No segment with this id' })
  async members(@Param('segmentId') segmentId: string, @Query() query: ListSegmentMembersQuery): Promise<MembersPage> {
    await this.segment(segmentId);
    const [docs, counts] = await Promise.all([
      this.memberships.members(segmentId, { pageSize: query.pageSize, page: query.page, ...(query.after !== undefined ? { after: query.after } : {}) }),
      this.memberships.countMembers([segmentId]),
    ]);
    const now = Date.now();
    const items = docs.map((doc) => ({ customerId: doc._id, ...factsView(fromStored(doc).facts, now, this.catalogue.context.rfm) }));
    return {
      items,
      page: query.after !== undefined ? 1 : query.page,
      pageSize: query.pageSize,
      total: counts.get(segmentId) ?? 0,
      ...(docs.length === query.pageSize ? { nextAfter: docs[docs.length - 1]._id } : {}),
    };
  }

  @Get(':segmentId/history')
  @ApiOperation({ summary: 'The size of a segment over time: a point wherever it changed (recorded by the sweep and back-fills), then now' })
  @ApiOkResponse({ description: '`{ segmentId, points: [{ at, members }] }`; each size holds until the next point' })
  @ApiNotFoundResponse({ description: 'No segment with this id' })
  async sizeHistory(@Param('segmentId') segmentId: string, @Query() query: SegmentHistoryQuery): Promise<{ segmentId: string; points: SizePoint[] }> {
    await this.segment(segmentId);
    const to = query.to ? new Date(query.to) : undefined;
    const points = await this.history.points(segmentId, query.from ? new Date(query.from) : undefined, to);
    if (!to || to.getTime() >= Date.now()) {
      const members = (await this.memberships.countMembers([segmentId])).get(segmentId) ?? 0;
      points.push({ at: new Date().toISOString(), members });
    }
    return { segmentId, points };
  }

  @Get(':segmentId/explain/:customerId')
  @ApiOperation({ summary: 'Why a customer is in or out of a segment: every condition with the value found and what it needs' })
  @ApiOkResponse({ description: '`member` (stored), `holds` (judged now), `reason` (the deciding conditions) and the `explanation` tree' })
  @ApiNotFoundResponse({ description: 'No segment with this id, or no event for this customer yet' })
  async explain(@Param('segmentId') segmentId: string, @Param('customerId') customerId: string): Promise<MembershipExplanation> {
    const segment = await this.segment(segmentId);
    const doc = await this.memberships.find(customerId);
    if (!doc) throw new NotFoundException(`customer ${customerId} not found`);
    const state = fromStored(doc);
    const now = Math.max(Date.now(), state.asOf);
    const base = { segmentId, segmentName: segment.name, segmentVersion: segment.version, customerId, member: state.segments.includes(segmentId), evaluatedAt: new Date(now).toISOString() };
    if (state.mergedInto !== undefined) return { ...base, holds: false, reason: `merged into customer ${state.mergedInto}: ask for that customer`, explanation: null, mergedInto: state.mergedInto };
    if (state.erasedAt !== undefined) return { ...base, holds: false, reason: 'customer erased', explanation: null };
    const explanation = explainRule(segment.rule, state.facts, { now, rfm: this.catalogue.context.rfm });
    return { ...base, holds: explanation.holds, reason: reasonOf(explanation), explanation };
  }

  private async segment(segmentId: string) {
    const found = await this.definitions.get(segmentId);
    if (!found) throw new NotFoundException(`segment ${segmentId} not found`);
    return toDefinition(found);
  }
}
