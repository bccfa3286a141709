import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { segmentSizes } from '@crm/analytics-domain';
import { RequireScopes } from '@crm/platform';
import { BucketReader } from '../reading/bucket-reader';

@RequireScopes('analytics:read')
@ApiTags('segments')
@Controller('v1/segment-sizes')
export class SegmentSizesHttpController {
  constructor(private readonly reader: BucketReader) {}

  @Get()
  @ApiOperation({ summary: 'Current members per segment (from crm.segment-membership.v1), largest first' })
  async sizes(): Promise<{ segments: ReturnType<typeof segmentSizes> }> {
    return { segments: segmentSizes(await this.reader.segmentMemberships()) };
  }
}
