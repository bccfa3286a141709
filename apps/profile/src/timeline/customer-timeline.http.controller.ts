import { BadRequestException, Controller, Get, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Model, mongo } from 'mongoose';
import { fieldErrorsResponse, RequireScopes } from '@crm/platform';
import { erasedTimelineEntry, type TimelineEntry } from '@crm/profile-domain';
import { CUSTOMER_PROFILE_MODEL } from '../customers/customer-profile.projection';
import { profileFollowingMerges, type ProfileCollection } from '../customers/profile-documents';
import { CUSTOMER_TIMELINE_MODEL, type StoredTimelineEntry } from './customer-timeline.projection';
import { decodeCursor, encodeCursor, TimelinePageQuery } from './timeline-page.query';

type TimelineCollection = mongo.Collection<Record<string, unknown>>;

export interface TimelinePage {
  customerId: string;
  items: TimelineEntry[];
  /** Pass as `before` for the next (older) page; absent on the last page. */
  nextCursor?: string;
  redirectedFrom?: string;
}

@RequireScopes('profiles:read')
@ApiTags('customers')
@Controller('v1/customers')
export class CustomerTimelineHttpController {
  private readonly profiles: ProfileCollection;
  private readonly timeline: TimelineCollection;

  constructor(
    @InjectModel(CUSTOMER_PROFILE_MODEL) profiles: Model<Record<string, unknown>>,
    @InjectModel(CUSTOMER_TIMELINE_MODEL) timeline: Model<Record<string, unknown>>,
  ) {
    this.profiles = profiles.collection as unknown as ProfileCollection;
    this.timeline = timeline.collection as unknown as TimelineCollection;
  }

  @Get(':customerId/timeline')
  @ApiOperation({ summary: "The customer's timeline, most recent first, paged by cursor" })
  @ApiOkResponse({
    description:
      '`{ customerId, items: [{ eventId, type, channel?, summary, time, details? }], nextCursor? }`. A survivor\'s timeline includes the customers merged into it; a merged id answers with its survivor\'s (`redirectedFrom`). `details` (what the customer wrote or gave) is never shown for an erased customer.',
    headers: { 'Content-Location': { description: "The survivor's timeline URL, when the customer asked for was merged", schema: { type: 'string' } } },
  })
  @ApiNotFoundResponse({ description: 'No event for this customer has been projected yet' })
  async page(@Param('customerId') customerId: string, @Query() query: TimelinePageQuery, @Res({ passthrough: true }) res: Response): Promise<TimelinePage> {
    const cursor = query.before === undefined ? undefined : decodeCursor(query.before);
    if (cursor === null) throw new BadRequestException(fieldErrorsResponse([{ field: 'before', messages: ['before must be a cursor returned as nextCursor'] }]));
    const profile = await profileFollowingMerges(this.profiles, customerId);
    if (!profile) throw new NotFoundException(`customer ${customerId} not found`);
    const survivor = profile._id;
    const owners = [survivor, ...((profile['mergedFrom'] as string[] | undefined) ?? [])];
    const erased = await this.erasedAmong(owners, profile);

    const filter: Record<string, unknown> = { customerId: { $in: owners } };
    if (query.channel) filter['channel'] = query.channel;
    if (cursor) filter['$or'] = [{ time: { $lt: cursor.time } }, { time: cursor.time, seq: { $lt: cursor.seq } }];
    const docs = (await this.timeline
      .find(filter, { projection: { _metadata: 0 } })
      .sort({ time: -1, seq: -1 })
      .limit(query.limit + 1) // one more tells whether there is a next page
      .toArray()) as unknown as (StoredTimelineEntry & { _id: string })[];

    const page = docs.slice(0, query.limit);
    const items = page.map(({ _id: _ignoredId, seq: _seq, personal: _personal, ...entry }) => (erased.has(entry.customerId) ? erasedTimelineEntry(entry) : entry));
    const last = page.at(-1);
    if (profile['redirectedFrom'] !== undefined) res.setHeader('Content-Location', `/v1/customers/${encodeURIComponent(survivor)}/timeline`);
    return {
      customerId: survivor,
      items,
      ...(docs.length > query.limit && last ? { nextCursor: encodeCursor({ time: last.time, seq: last.seq }) } : {}),
      ...(profile['redirectedFrom'] !== undefined ? { redirectedFrom: profile['redirectedFrom'] as string } : {}),
    };
  }

  /**
   * Whose entries must not show personal content: an erased survivor's and all merged into it
   * (one person), and any merged customer erased on its own. The sweep scrubs storage too; this
   * covers the time until it has.
   */
  private async erasedAmong(owners: string[], survivor: Record<string, unknown>): Promise<Set<string>> {
    if (survivor['erasedAt'] !== undefined) return new Set(owners);
    if (owners.length === 1) return new Set();
    const erased = await this.profiles.find({ _id: { $in: owners.slice(1) as never[] }, erasedAt: { $exists: true } }, { projection: { _id: 1 } }).toArray();
    return new Set(erased.map((d) => String(d['_id'])));
  }
}
