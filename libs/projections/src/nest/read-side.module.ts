import { type DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { READ_SIDE_OPTIONS, type ReadSideOptions } from './read-side.options';
import { ReadSideService } from './read-side.service';

/** What every read-side service shares: its MongoDB database, its read models, and the consumer feeding them. */
@Module({})
export class ReadSideModule {
  static forRoot(options: ReadSideOptions): DynamicModule {
    const models = MongooseModule.forFeature(options.readModels.map((m) => ({ name: m.name, schema: m.schema })));
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
      providers: [{ provide: READ_SIDE_OPTIONS, useValue: options }, ReadSideService],
      exports: [models, ReadSideService],
    };
  }
}
