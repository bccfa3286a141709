import { once } from 'node:events';
import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpException,
  NotFoundException,
  Param,
  Post,
  Query,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { exportEvents, toNdjsonEvent, type NdjsonEvent } from '@crm/event-store';
import { RequireScopes } from '@crm/platform';
import type { ProjectedDocument } from '../../document-projection';
import type { AsOf } from '../time-travel';
import { ReplayError, ReplayErrorCodes, type ReplayErrorCode } from '../replay.errors';
import { ExportQuery, ListReplaysQuery, LogPageQuery, SnapshotDocumentsQuery, StartReplayDto, StreamPageQuery, TimeTravelQuery } from './replay-admin.dto';
import { ReplayService, type ReadModelView, type ReplayJobView } from './replay.service';

export const ADMIN_REPLAY_SCOPE = 'admin:replay';

function toHttp(code: ReplayErrorCode, message: string): HttpException {
  switch (code) {
    case ReplayErrorCodes.noEventStore:
    case ReplayErrorCodes.eventStoreNotConnected:
      return new ServiceUnavailableException({ statusCode: 503, error: 'Service Unavailable', code, message });
    case ReplayErrorCodes.unknownReadModel:
    case ReplayErrorCodes.unknownJob:
    case ReplayErrorCodes.notFound:
      return new NotFoundException({ message, code });
    case ReplayErrorCodes.invalidRequest:
      return new BadRequestException({ message, code });
    case ReplayErrorCodes.alreadyRunning:
    case ReplayErrorCodes.notResumable:
    case ReplayErrorCodes.notASnapshot:
      return new ConflictException({ message, code });
  }
}

/** Runs a service call, answering its ReplayErrors with their HTTP status. */
async function answer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ReplayError) throw toHttp(error.code, error.message);
    throw error;
  }
}

const FIELD_PATH = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$/;

/** `{"segments":"vip"}` → a MongoDB equality filter; anything else (operators, nested objects) is refused. */
function parseEqualityFilter(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequestException({ message: 'filter must be a JSON object', errors: [{ field: 'filter', messages: ['filter must be a JSON object'] }] });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequestException({ message: 'filter must be a JSON object', errors: [{ field: 'filter', messages: ['filter must be a JSON object'] }] });
  }
  for (const [key, v] of Object.entries(value)) {
    const scalar = v === null || ['string', 'number', 'boolean'].includes(typeof v);
    if (!FIELD_PATH.test(key) || !scalar) {
      throw new BadRequestException({ message: `filter: ${key} must be a field path with a string, number, boolean or null value`, errors: [{ field: 'filter', messages: [`${key}: equality on a field path only`] }] });
    }
  }
  return value as Record<string, unknown>;
}

function asOfOf(query: TimeTravelQuery): AsOf {
  if (query.asOfPosition !== undefined && query.asOf === undefined) return { position: BigInt(query.asOfPosition) };
  if (query.asOf !== undefined && query.asOfPosition === undefined) return { time: new Date(query.asOf), clock: query.clock ?? 'recorded' };
  throw new BadRequestException({ message: 'give asOf (an ISO time) or asOfPosition', errors: [{ field: 'asOf', messages: ['give asOf (an ISO time) or asOfPosition, exactly one'] }] });
}

/**
 * Operators' access to replays, time travel and the event log, in every read-side service, so
 * none of it needs a shell in the deployment. Scope `admin:replay`.
 */
@ApiTags('admin')
@RequireScopes(ADMIN_REPLAY_SCOPE)
@Controller('v1/admin')
export class ReplayAdminController {
  constructor(private readonly replays: ReplayService) {}

  @Get('read-models')
  @ApiOperation({ summary: "The service's read models, their size and any running replay" })
  readModels(): Promise<ReadModelView[]> {
    return answer(() => this.replays.readModels());
  }

  @Post('replays')
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a replay (rebuild into a shadow collection; swap, dry-run or snapshot)' })
  start(@Body() body: StartReplayDto): Promise<ReplayJobView> {
    return answer(() => this.replays.start(body));
  }

  @Get('replays')
  @ApiOperation({ summary: 'Recent replays, newest first' })
  list(@Query() query: ListReplaysQuery): Promise<ReplayJobView[]> {
    return answer(() => this.replays.list(query.readModel));
  }

  @Get('replays/:id')
  @ApiOperation({ summary: 'A replay: phase, progress (events/s, ETA), counters, final report with the diff against the live model' })
  get(@Param('id') id: string): Promise<ReplayJobView> {
    return answer(() => this.replays.get(id));
  }

  @Post('replays/:id/resume')
  @HttpCode(202)
  @ApiOperation({ summary: 'Continue an interrupted or failed replay from its checkpoint' })
  resume(@Param('id') id: string): Promise<ReplayJobView> {
    return answer(() => this.replays.resume(id));
  }

  @Post('replays/:id/cancel')
  @ApiOperation({ summary: 'Stop a replay and drop its shadow collection' })
  cancel(@Param('id') id: string): Promise<ReplayJobView> {
    return answer(() => this.replays.cancel(id));
  }

  @Get('replays/:id/documents')
  @ApiOperation({ summary: 'Query a snapshot replay (the read model as it stood at its "until" point) by field equality' })
  async snapshotDocuments(@Param('id') id: string, @Query() query: SnapshotDocumentsQuery): Promise<{ total: number; offset: number; limit: number; items: unknown[] }> {
    const filter = parseEqualityFilter(query.filter);
    const page = await answer(() => this.replays.snapshotDocuments(id, filter, { offset: query.offset, limit: query.limit }));
    return { total: page.total, offset: query.offset, limit: query.limit, items: page.items };
  }

  @Delete('replays/:id/snapshot')
  @HttpCode(204)
  @ApiOperation({ summary: "Drop a snapshot replay's collection" })
  async dropSnapshot(@Param('id') id: string): Promise<void> {
    await answer(() => this.replays.dropSnapshot(id));
  }

  @Get('read-models/:name/documents/:id')
  @ApiOperation({ summary: 'Time travel: one document as it stood at asOf (or asOfPosition), folded from history' })
  async documentAsOf(@Param('name') name: string, @Param('id') id: string, @Query() query: TimeTravelQuery): Promise<{ readModel: string; id: string; asOf: Record<string, string>; document: ProjectedDocument<object> }> {
    const asOf = asOfOf(query);
    const document = await answer(() => this.replays.documentAsOf(name, id, { asOf, customerId: query.customerId }));
    if (!document) throw new NotFoundException({ message: `${name} had no document ${id} as of ${describe(asOf)}` });
    return { readModel: name, id, asOf: asOfView(asOf), document };
  }

  @Get('read-models/:name/customers/:customerId/documents')
  @ApiOperation({ summary: "Time travel: every document of a customer's history as it stood at asOf (read models keyed by customer and day, …)" })
  async customerDocumentsAsOf(@Param('name') name: string, @Param('customerId') customerId: string, @Query() query: TimeTravelQuery): Promise<{ readModel: string; customerId: string; asOf: Record<string, string>; documents: ProjectedDocument<object>[] }> {
    const asOf = asOfOf(query);
    const documents = await answer(() => this.replays.customerDocumentsAsOf(name, customerId, { asOf }));
    return { readModel: name, customerId, asOf: asOfView(asOf), documents };
  }

  @Get('events')
  @ApiOperation({ summary: 'A page of the global event log after a position' })
  async readLog(@Query() query: LogPageQuery): Promise<{ events: NdjsonEvent[]; next: string | null }> {
    const events = await answer(() => this.replays.readLog(query.after !== undefined ? BigInt(query.after) : undefined, query.limit));
    return { events: events.map(toNdjsonEvent), next: events.length === query.limit ? events[events.length - 1].position.toString() : null };
  }

  @Get('events/streams/:streamId')
  @ApiOperation({ summary: "A stream's events (customer-<id>, loyalty-<id>, …)" })
  async readStream(@Param('streamId') streamId: string, @Query() query: StreamPageQuery): Promise<{ streamId: string; events: NdjsonEvent[] }> {
    const events = await answer(() => this.replays.readStream(streamId, query.fromRevision, query.limit));
    return { streamId, events: events.map(toNdjsonEvent) };
  }

  @Get('events/export')
  @ApiOperation({ summary: 'The global log (after, upTo] as NDJSON, one stored event per line' })
  async export(@Query() query: ExportQuery, @Res() res: Response): Promise<void> {
    const store = await answer(async () => this.replays.eventStore);
    res.status(200).type('application/x-ndjson');
    await exportEvents(store, { after: query.after !== undefined ? BigInt(query.after) : undefined, upTo: query.upTo !== undefined ? BigInt(query.upTo) : undefined }, async (lines) => {
      if (!res.write(lines)) await once(res, 'drain');
    });
    res.end();
  }
}

const describe = (asOf: AsOf): string => ('position' in asOf ? `position ${asOf.position}` : `${asOf.time.toISOString()} (${asOf.clock ?? 'recorded'} time)`);

const asOfView = (asOf: AsOf): Record<string, string> =>
  'position' in asOf ? { position: asOf.position.toString() } : { time: asOf.time.toISOString(), clock: asOf.clock ?? 'recorded' };
