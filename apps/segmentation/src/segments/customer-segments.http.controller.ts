import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Model } from 'mongoose';
import { RequireScopes } from '@crm/platform';
import { findFollowingMerges } from '@crm/projections';
import { CUSTOMER_SEGMENTS_MODEL } from './customer-segments.projection';

@RequireScopes('segments:read')
@ApiTags('segments')
@Controller('v1/customers')
export class CustomerSegmentsHttpController {
  constructor(@InjectModel(CUSTOMER_SEGMENTS_MODEL) private readonly memberships: Model<Record<string, unknown>>) {}

  @Get(':customerId/segments')
  @ApiOperation({ summary: "A customer's segments and the facts the rules were evaluated on" })
  @ApiOkResponse({ description: 'Facts, `segments` (ids) and `_metadata` (last revision applied); a merged customer answers with its survivor and `redirectedFrom`' })
  @ApiNotFoundResponse({ description: 'No event for this customer has been projected yet' })
  async get(@Param('customerId') customerId: string): Promise<Record<string, unknown>> {
    const found = await findFollowingMerges(this.memberships.collection, customerId);
    if (!found) throw new NotFoundException(`customer ${customerId} not found`);
    return found.redirectedFrom ? { ...found.document, redirectedFrom: found.redirectedFrom } : found.document;
  }
}
