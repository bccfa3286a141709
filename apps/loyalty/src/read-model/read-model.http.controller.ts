import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import type { Connection } from 'mongoose';
import type { EventStore } from '@crm/event-store';
import { RequireScopes } from '@crm/platform';
import type { ReadModelRegistration } from '@crm/projections';
import { EVENT_STORE } from '../event-store/event-store.provider';
import { compareReadModels, replayIntoDatabase, type ReadModelComparison } from './read-model-rebuild';

export const LOYALTY_READ_MODELS = Symbol('LOYALTY_READ_MODELS');

export class RebuildReadModelRequest {
  @ApiProperty({ description: 'The MongoDB database to rebuild into (on the service’s server); the live one fills in what it misses' })
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'database must be a MongoDB database name (letters, digits, _ and -)' })
  database!: string;
}

@ApiTags('loyalty')
@Controller('v1/loyalty')
export class ReadModelHttpController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOYALTY_READ_MODELS) private readonly readModels: ReadModelRegistration[],
    @InjectConnection() private readonly connection: Connection,
  ) {}

  @Post('read-model\\:rebuild')
  @HttpCode(200)
  @RequireScopes('admin:replay')
  @ApiOperation({ summary: 'Replay the event store into the read models of a database (a new one, or the live one: already applied events are skipped)' })
  @ApiOkResponse({ description: '`{ database, replayedEvents }`' })
  async rebuild(@Body() body: RebuildReadModelRequest): Promise<{ database: string; replayedEvents: number }> {
    const target = this.connection.useDb(body.database, { useCache: true });
    return { database: body.database, replayedEvents: await replayIntoDatabase(this.store, this.readModels, target) };
  }

  @Post('read-model\\:verify')
  @HttpCode(200)
  @RequireScopes('admin:replay')
  @ApiOperation({ summary: 'Rebuild the read models from the event store into a scratch database and compare them with the live ones' })
  @ApiOkResponse({
    description:
      '`{ replayedEvents, equal, collections: [{ collection, documents, different, notComparable }] }`. `different` lists documents that applied the same events yet differ (a defect); `notComparable` those the live consumer has applied more or fewer events to (traffic during the check).',
  })
  async verify(): Promise<{ replayedEvents: number; equal: boolean; collections: ReadModelComparison[] }> {
    const scratch = this.connection.useDb(`${this.connection.db?.databaseName ?? 'loyalty'}_verify_${Date.now()}`, { useCache: false });
    try {
      const replayedEvents = await replayIntoDatabase(this.store, this.readModels, scratch);
      const collections = await compareReadModels(this.readModels, this.connection, scratch);
      return { replayedEvents, equal: collections.every((c) => c.different.length === 0 && c.notComparable.length === 0), collections };
    } finally {
      await scratch.dropDatabase();
    }
  }
}
