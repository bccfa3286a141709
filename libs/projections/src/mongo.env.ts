import { Expose } from 'class-transformer';
import { IsInt, IsString, Matches, Min } from 'class-validator';

/** MongoDB settings of a read-side service; each service owns its own database. */
export class MongoEnv {
  @Expose() @IsString() @Matches(/^mongodb(\+srv)?:\/\//, { message: 'MONGODB_URL must be a mongodb:// or mongodb+srv:// URL' })
  MONGODB_URL: string = 'mongodb://127.0.0.1:57017';

  /** Defaults to the service name. */
  @Expose() @IsString() @Matches(/^[A-Za-z0-9_-]{1,63}$/)
  MONGODB_DB: string = 'crm';

  @Expose() @IsInt() @Min(1)
  MONGODB_POOL_SIZE: number = 20;
}
