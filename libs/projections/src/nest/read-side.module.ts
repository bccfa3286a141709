import { type DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { withConditionalWriteIndex } from './conditional-write-index';
import { READ_SIDE_OPTIONS, type ReadSideOptions } from './read-side.options';
import { ReadSideService } from './read-side.service';
import { ReplayAdminController } from '../replay/nest/replay-admin.controller';
import { ReplayService } from '../replay/nest/replay.service';

/**
 * What every read-side service shares: its MongoDB database, its read models, the consumer
 * feeding them, and the admin API to replay them and look into their past (`/v1/admin/…`).
 */
@Module({})
export class ReadSideModule {
  static forRoot(options: ReadSideOptions): DynamicModule {
    const models = MongooseModule.forFeature(options.readModels.map((m) => ({ name: m.name, schema: withConditionalWriteIndex(m.schema) })));
    return {
      module: ReadSideModule,
      global: true,
      imports: [
        MongooseModule.forRoot(options.mongo.MONGODB_URL, {
          dbName: options.mongo.MONGODB_DB,
          maxPoolSize: options.mongo.MONGODB_POOL_SIZE,
          serverSelectionTimeoutMS: 5_000,
        }),
        models,
      ],
      controllers: [ReplayAdminController],
      providers: [{ provide: READ_SIDE_OPTIONS, useValue: options }, ReadSideService, ReplayService],
      exports: [models, ReadSideService, ReplayService],
    };
  }
}
