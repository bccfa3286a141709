import { Controller, Get, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Model } from 'mongoose';
import { RequireScopes } from '@crm/platform';
import { normaliseIdentifier } from '@crm/profile-domain';
import { CUSTOMER_PROFILE_MODEL } from './customer-profile.projection';
import { LookupCustomerQuery } from './lookup-customer.query';
import { profileFollowingMerges, SEARCH_PROJECTION, type ProfileCollection, type ProfileDocument } from './profile-documents';
import { searchFilter, SearchCustomersQuery } from './search-customers.query';

/** Documented on the answers that may come from a merged id. */
const CONTENT_LOCATION = { 'Content-Location': { description: "The survivor's URL, when the customer asked for was merged into another", schema: { type: 'string' } } };

const MERGE_NOTE =
  'A merged customer answers 200 with its survivor\'s profile, `redirectedFrom` naming the id asked for, and `Content-Location` the survivor\'s URL.';

/** Points a client that asked for a merged id at the survivor's own URL. */
function markRedirect(res: Response, profile: ProfileDocument): ProfileDocument {
  if (profile['redirectedFrom'] !== undefined) res.setHeader('Content-Location', `/v1/customers/${encodeURIComponent(profile._id)}`);
  return profile;
}

@RequireScopes('profiles:read')
@ApiTags('customers')
@Controller('v1')
export class CustomersHttpController {
  private readonly collection: ProfileCollection;

  constructor(@InjectModel(CUSTOMER_PROFILE_MODEL) profiles: Model<Record<string, unknown>>) {
    this.collection = profiles.collection as unknown as ProfileCollection;
  }

  @Get('customers')
  @ApiOperation({ summary: 'Search customers by stage, segment, tier, country, last seen and net revenue, most recently seen first' })
  @ApiOkResponse({ description: '`{ items, page, pageSize, total }`; merged customers are left out (they are part of their survivor)' })
  async search(@Query() query: SearchCustomersQuery): Promise<{ items: unknown[]; page: number; pageSize: number; total: number }> {
    const filter = searchFilter(query);
    const [items, total] = await Promise.all([
      this.collection
        .find(filter, { projection: SEARCH_PROJECTION })
        .sort({ lastSeenAt: -1, _id: 1 })
        .skip((query.page - 1) * query.pageSize)
        .limit(query.pageSize)
        .toArray(),
      this.collection.countDocuments(filter),
    ]);
    return { items, page: query.page, pageSize: query.pageSize, total };
  }

  @Get('customers\\:lookup')
  @ApiOperation({ summary: 'The profile of the customer an identifier (email, phone, external id, device id) belongs to' })
  @ApiOkResponse({ description: `The profile, with \`matchedBy\`. ${MERGE_NOTE}`, headers: CONTENT_LOCATION })
  @ApiNotFoundResponse({ description: 'No profile holds this identifier' })
  async lookup(@Query() query: LookupCustomerQuery, @Res({ passthrough: true }) res: Response): Promise<ProfileDocument> {
    const value = normaliseIdentifier(query.kind, query.value, query.system);
    const matches = (await this.collection
      .find({ identifiers: { $elemMatch: { kind: query.kind, value } } }, { projection: { _id: 1, mergedInto: 1, lastSeenAt: 1 } })
      .limit(20)
      .toArray()) as unknown as ProfileDocument[];
    // a survivor holds its merged customers' identifiers too: prefer it, then the most recently seen
    const best = [...matches].sort(
      (a, b) =>
        Number(a['mergedInto'] !== undefined) - Number(b['mergedInto'] !== undefined) ||
        String(b['lastSeenAt'] ?? '').localeCompare(String(a['lastSeenAt'] ?? '')) ||
        a._id.localeCompare(b._id),
    )[0];
    const profile = best ? await profileFollowingMerges(this.collection, best._id) : null;
    if (!profile) throw new NotFoundException(`no customer with ${query.kind} ${query.value}`);
    const { redirectedFrom, ...rest } = profile;
    // redirectedFrom only when the identifier led to a merged customer
    return markRedirect(res, { ...rest, matchedBy: { kind: query.kind, value }, ...(redirectedFrom ? { redirectedFrom } : {}) } as ProfileDocument);
  }

  @Get('customers/:customerId')
  @ApiOperation({ summary: 'The customer 360 profile' })
  @ApiOkResponse({
    description: `Identity, demographics, contact, consents, lifetime stats, lifecycle (stage, reason, next review, recent changes), loyalty, segments and \`_metadata\` (revisions applied). ${MERGE_NOTE}`,
    headers: CONTENT_LOCATION,
  })
  @ApiNotFoundResponse({ description: 'No event for this customer has been projected yet' })
  async get(@Param('customerId') customerId: string, @Res({ passthrough: true }) res: Response): Promise<ProfileDocument> {
    const profile = await profileFollowingMerges(this.collection, customerId);
    if (!profile) throw new NotFoundException(`customer ${customerId} not found`);
    return markRedirect(res, profile);
  }
}
