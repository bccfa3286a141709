import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Model } from 'mongoose';
import { BUILT_IN_SEGMENTS, type SegmentDefinition } from '@crm/segmentation-domain';
import { RequireScopes } from '@crm/platform';
import { CUSTOMER_SEGMENTS_MODEL } from './customer-segments.projection';
import { ListSegmentMembersQuery } from './list-segment-members.query';

export interface SegmentView {
  id: string;
  name: string;
  rule: SegmentDefinition['all'];
  members: number;
}

@RequireScopes('segments:read')
@ApiTags('segments')
@Controller('v1/segments')
export class SegmentsHttpController {
  constructor(@InjectModel(CUSTOMER_SEGMENTS_MODEL) private readonly memberships: Model<Record<string, unknown>>) {}

  @Get()
  @ApiOperation({ summary: 'Every segment with its rule and current number of members' })
  async list(): Promise<SegmentView[]> {
    return Promise.all(BUILT_IN_SEGMENTS.map((segment) => this.view(segment)));
  }

  @Get(':segmentId')
  @ApiOperation({ summary: 'One segment with its rule and current number of members' })
  @ApiNotFoundResponse({ description: 'No segment with this id' })
  async get(@Param('segmentId') segmentId: string): Promise<SegmentView> {
    return this.view(this.segment(segmentId));
  }

  @Get(':segmentId/members')
  @ApiOperation({ summary: 'Customers in a segment with the facts that put them there, by customer id' })
  @ApiOkResponse({ description: 'One page of members and the total number of members' })
  @ApiNotFoundResponse({ description: 'No segment with this id' })
  async members(
    @Param('segmentId') segmentId: string,
    @Query() query: ListSegmentMembersQuery,
  ): Promise<{ items: unknown[]; page: number; pageSize: number; total: number }> {
    const filter = { segments: this.segment(segmentId).id };
    const [items, total] = await Promise.all([
      this.memberships.collection
        .find(filter, { projection: { _id: 0, _metadata: 0, segments: 0 } })
        // Customer id order is stable across pages while memberships change.
        .sort({ _id: 1 })
        .skip((query.page - 1) * query.pageSize)
        .limit(query.pageSize)
        .toArray(),
      this.memberships.collection.countDocuments(filter),
    ]);
    return { items, page: query.page, pageSize: query.pageSize, total };
  }

  private segment(segmentId: string): SegmentDefinition {
    const segment = BUILT_IN_SEGMENTS.find((s) => s.id === segmentId);
    if (!segment) throw new NotFoundException(`segment ${segmentId} not found`);
    return segment;
  }

  private async view(segment: SegmentDefinition): Promise<SegmentView> {
    const members = await this.memberships.collection.countDocuments({ segments: segment.id });
    return { id: segment.id, name: segment.name, rule: segment.all, members };
  }
}
