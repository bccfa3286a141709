import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '@crm/platform';
import type { SegmentCatalogue } from '../catalogue/segment-catalogue';
import { factsView } from '../definitions/segment-views';
import { SEGMENT_CATALOGUE } from '../maintenance/maintenance.tokens';
import { fromStored } from './customer-segments.document';
import { CustomerSegmentsStore } from './customer-segments.store';

@RequireScopes('segments:read')
@ApiTags('segments')
@Controller('v1/customers')
export class CustomerSegmentsHttpController {
  constructor(
    private readonly memberships: CustomerSegmentsStore,
    @Inject(SEGMENT_CATALOGUE) private readonly catalogue: SegmentCatalogue,
  ) {}

  @Get(':customerId/segments')
  @ApiOperation({ summary: "A customer's segments and the facts the rules were judged on" })
  @ApiOkResponse({
    description:
      '`segments` (ids), `memberships` (id, name, version), the facts (profile, loyalty, lifecycle, orders, spend, consents, RFM scores, behavioural history kept), `asOf`, `reevaluateAt` and `_metadata`; a merged customer answers with its survivor and `redirectedFrom`',
  })
  @ApiNotFoundResponse({ description: 'No event for this customer has been projected yet' })
  async get(@Param('customerId') customerId: string): Promise<Record<string, unknown>> {
    const found = await this.memberships.findFollowingMerges(customerId);
    if (!found) throw new NotFoundException(`customer ${customerId} not found`);
    const state = fromStored(found.document);
    const { context } = this.catalogue;
    const names = new Map(context.segments.map((s) => [s.id, s]));
    return {
      customerId: state.customerId,
      segments: state.segments,
      memberships: state.segments.map((id) => ({ segmentId: id, name: names.get(id)?.name ?? id, version: names.get(id)?.version ?? null })),
      ...factsView(state.facts, Math.max(Date.now(), state.asOf), context.rfm),
      asOf: new Date(state.asOf).toISOString(),
      reevaluateAt: state.reevaluateAt === null ? null : new Date(state.reevaluateAt).toISOString(),
      ...(state.mergedInto !== undefined ? { mergedInto: state.mergedInto } : {}),
      ...(state.erasedAt !== undefined ? { erasedAt: new Date(state.erasedAt).toISOString() } : {}),
      _metadata: found.document._metadata,
      ...(found.redirectedFrom ? { redirectedFrom: found.redirectedFrom } : {}),
    };
  }
}
