import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  HttpException,
  HttpStatus,
  NotFoundException,
  Param,
  Post,
  Put,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { fieldErrorsResponse, RequireScopes } from '@crm/platform';
import { CustomerSegmentsStore } from '../membership/customer-segments.store';
import { SEGMENT_BODY_SCHEMA } from './segment-rule.openapi';
import { SegmentDefinitionsRepository } from './segment-definitions.repository';
import { backfillView, segmentVersionView, segmentView, type BackfillView, type SegmentVersionView, type SegmentView } from './segment-views';
import { SegmentsService, type SegmentCommandOutcome } from './segments.service';

const IF_MATCH = { name: 'If-Match', required: false, description: 'The version the change is based on (`ETag` of GET); another version answers 412' } as const;

/** `"3"`, `3` or `W/"3"` → 3; absent → undefined. */
function expectedVersionOf(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(ifMatch.trim());
  if (!m) throw new BadRequestException(fieldErrorsResponse([{ field: 'If-Match', messages: ['must be a segment version such as "3"'] }], 'Invalid If-Match'));
  return Number(m[1]);
}

@ApiTags('segments')
@Controller('v1/segments')
export class SegmentsHttpController {
  constructor(
    private readonly segments: SegmentsService,
    private readonly definitions: SegmentDefinitionsRepository,
    private readonly memberships: CustomerSegmentsStore,
  ) {}

  @Get()
  @RequireScopes('segments:read')
  @ApiOperation({ summary: 'Every segment with its rule, version, current number of members and back-fill status' })
  async list(): Promise<SegmentView[]> {
    const all = await this.definitions.list();
    const counts = await this.memberships.countMembers(all.map((s) => s._id));
    return all.map((s) => segmentView(s, counts.get(s._id) ?? 0));
  }

  @Get(':segmentId')
  @RequireScopes('segments:read')
  @ApiOperation({ summary: 'One segment with its rule, version, current number of members and back-fill status (duration, counts)' })
  @ApiOkResponse({ description: 'The segment; `ETag` is its version' })
  @ApiNotFoundResponse({ description: 'No segment with this id' })
  async get(@Param('segmentId') segmentId: string, @Res({ passthrough: true }) res: Response): Promise<SegmentView> {
    const segment = await this.definitions.get(segmentId);
    if (!segment) throw new NotFoundException(`segment ${segmentId} not found`);
    res.setHeader('ETag', `"${segment.version}"`);
    const counts = await this.memberships.countMembers([segmentId]);
    return segmentView(segment, counts.get(segmentId) ?? 0);
  }

  @Get(':segmentId/backfill')
  @RequireScopes('segments:read')
  @ApiOperation({ summary: "The back-fill of the segment's current version: status, progress, duration and counts (cheap to poll)" })
  @ApiOkResponse({ description: '`{ version, reason, status: pending|running|done|failed, requestedAt, startedAt, finishedAt, durationMs, customersScanned, entered, exited, conflicts, error }`' })
  @ApiNotFoundResponse({ description: 'No segment with this id' })
  async backfill(@Param('segmentId') segmentId: string): Promise<BackfillView> {
    const segment = await this.definitions.get(segmentId);
    if (!segment) throw new NotFoundException(`segment ${segmentId} not found`);
    return backfillView(segment.backfill);
  }

  @Get(':segmentId/versions')
  @RequireScopes('segments:read')
  @ApiOperation({ summary: 'Every version of a segment definition, oldest first' })
  @ApiNotFoundResponse({ description: 'No segment with this id was ever defined' })
  async versions(@Param('segmentId') segmentId: string): Promise<SegmentVersionView[]> {
    const versions = await this.definitions.history(segmentId);
    if (versions.length === 0) throw new NotFoundException(`segment ${segmentId} not found`);
    return versions.map(segmentVersionView);
  }

  @Post()
  @RequireScopes('segments:write')
  @ApiOperation({ summary: 'Define a segment; its back-fill over the existing customers starts at once (see `backfill` on GET)' })
  @ApiBody({ schema: SEGMENT_BODY_SCHEMA })
  @ApiCreatedResponse({ description: 'The segment at version 1 (or the next version of a deleted id), back-fill pending' })
  @ApiBadRequestResponse({ description: 'Field-level errors with JSON paths, e.g. `rule.all[1].withinDays: must be a positive integer`' })
  @ApiConflictResponse({ description: 'A segment with this id exists' })
  async create(@Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<SegmentView> {
    const segment = this.unwrap(await this.segments.create(body));
    res.setHeader('ETag', `"${segment.version}"`);
    res.setHeader('Location', `/v1/segments/${encodeURIComponent(segment._id)}`);
    // Members arrive with the back-fill; counting now would scan every customer to find none.
    return segmentView(segment, 0);
  }

  @Put(':segmentId')
  @RequireScopes('segments:write')
  @ApiOperation({ summary: 'Replace a segment (name, description, rule): a new version; a changed rule is back-filled' })
  @ApiBody({ schema: { ...SEGMENT_BODY_SCHEMA, required: ['name', 'rule'] } })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ description: 'The segment at its new version (unchanged when nothing changed)' })
  @ApiBadRequestResponse({ description: 'Field-level errors with JSON paths' })
  @ApiNotFoundResponse({ description: 'No segment with this id' })
  @ApiPreconditionFailedResponse({ description: 'If-Match names another version' })
  async replace(
    @Param('segmentId') segmentId: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SegmentView> {
    const segment = this.unwrap(await this.segments.replace(segmentId, body, expectedVersionOf(ifMatch)));
    res.setHeader('ETag', `"${segment.version}"`);
    return segmentView(segment, (await this.memberships.countMembers([segment._id])).get(segment._id) ?? 0);
  }

  @Delete(':segmentId')
  @RequireScopes('segments:write')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a segment: its members exit it (events with reason "segment deleted")' })
  @ApiHeader(IF_MATCH)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: 'No segment with this id' })
  @ApiPreconditionFailedResponse({ description: 'If-Match names another version' })
  async delete(@Param('segmentId') segmentId: string, @Headers('if-match') ifMatch: string | undefined): Promise<void> {
    this.unwrap(await this.segments.delete(segmentId, expectedVersionOf(ifMatch)));
  }

  private unwrap(outcome: SegmentCommandOutcome) {
    if (outcome.ok) return outcome.segment;
    switch (outcome.reason) {
      case 'invalid':
        throw new BadRequestException(fieldErrorsResponse([...outcome.errors], 'Invalid segment'));
      case 'exists':
        throw new ConflictException('a segment with this id exists');
      case 'not-found':
        throw new NotFoundException('segment not found');
      case 'version-mismatch':
        throw new HttpException(
          { statusCode: 412, error: 'Precondition Failed', message: `the segment is at version ${outcome.version ?? 'another version'}`, ...(outcome.version ? { version: outcome.version } : {}) },
          HttpStatus.PRECONDITION_FAILED,
        );
    }
  }
}
