import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Model } from 'mongoose';
import { RequireScopes } from '@crm/platform';
import { CUSTOMER_PROFILE_MODEL } from './customer-profile.projection';
import { MergedProfiles } from './merged-profiles';
import { ListCustomersQuery } from './list-customers.query';

@RequireScopes('profiles:read')
@ApiTags('customers')
@Controller('v1/customers')
export class CustomersHttpController {
  constructor(@InjectModel(CUSTOMER_PROFILE_MODEL) private readonly profiles: Model<Record<string, unknown>>) {}

  @Get(':customerId')
  @ApiOperation({ summary: 'The customer 360 profile' })
  @ApiOkResponse({ description: 'Profile with identity, demographics, purchase stats and `_metadata` (last revision applied)' })
  @ApiNotFoundResponse({ description: 'No event for this customer has been projected yet' })
  async get(@Param('customerId') customerId: string): Promise<Record<string, unknown>> {
    // A merged customer answers with its survivor's profile (`redirectedFrom`); a survivor's
    // figures include the customers merged into it (`mergedFrom`).
    const profile = await new MergedProfiles(this.profiles.collection as never).get(customerId);
    if (!profile) throw new NotFoundException(`customer ${customerId} not found`);
    return profile;
  }

  @Get()
  @ApiOperation({ summary: 'Customers filtered by country and lifecycle stage, most recently seen first' })
  async list(@Query() query: ListCustomersQuery): Promise<{ items: unknown[]; page: number; pageSize: number; total: number }> {
    const filter: Record<string, unknown> = { mergedInto: { $exists: false } }; // merged customers show as their survivor
    if (query.country) filter['country'] = query.country;
    if (query.stage) filter['lifecycleStage'] = query.stage;
    const [items, total] = await Promise.all([
      this.profiles.collection
        .find(filter)
        .sort({ lastSeenAt: -1, _id: 1 })
        .skip((query.page - 1) * query.pageSize)
        .limit(query.pageSize)
        .toArray(),
      this.profiles.collection.countDocuments(filter),
    ]);
    const combined = await new MergedProfiles(this.profiles.collection as never).combine(items as never);
    return { items: combined, page: query.page, pageSize: query.pageSize, total };
  }
}
