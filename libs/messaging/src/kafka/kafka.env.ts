import { Expose } from 'class-transformer';
import { ArrayNotEmpty, IsBoolean, IsIn, IsInt, IsOptional, IsString, Min, ValidateIf } from 'class-validator';
import { EnvBoolean, EnvList } from '@crm/platform';

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/** Kafka settings shared by every client of the platform (producers, consumers, admin). */
export class KafkaEnv {
  /** Comma-separated `host:port` list. */
  @Expose() @EnvList() @ArrayNotEmpty() @IsString({ each: true })
  KAFKA_BROKERS: string[] = ['127.0.0.1:59092'];

  /** Defaults to the service name. */
  @Expose() @IsOptional() @IsString()
  KAFKA_CLIENT_ID?: string;

  @Expose() @EnvBoolean() @IsBoolean()
  KAFKA_SSL: boolean = false;

  /** PEM CA bundle path for TLS to brokers with a private CA. */
  @Expose() @IsOptional() @IsString()
  KAFKA_SSL_CA_FILE?: string;

  @Expose() @IsOptional() @IsIn(SASL_MECHANISMS)
  KAFKA_SASL_MECHANISM?: (typeof SASL_MECHANISMS)[number];

  @Expose() @ValidateIf((o: KafkaEnv) => o.KAFKA_SASL_MECHANISM !== undefined) @IsString()
  KAFKA_SASL_USERNAME?: string;

  @Expose() @ValidateIf((o: KafkaEnv) => o.KAFKA_SASL_MECHANISM !== undefined) @IsString()
  KAFKA_SASL_PASSWORD?: string;

  /** Prepended to every topic name (e.g. `staging.`): lets several environments share one cluster. */
  @Expose() @IsString()
  KAFKA_TOPIC_PREFIX: string = '';

  /** Consumer group of a read-side service; defaults to the service name. */
  @Expose() @IsOptional() @IsString()
  KAFKA_CONSUMER_GROUP?: string;

  /** Partitions for topics the platform creates at start; one customer's events always share one. */
  @Expose() @IsInt() @Min(1)
  KAFKA_TOPIC_PARTITIONS: number = 3;

  @Expose() @IsInt() @Min(1)
  KAFKA_REPLICATION_FACTOR: number = 1;
}

/** The topic name as deployed: the contract name with the environment's prefix. */
export const topicName = (env: Pick<KafkaEnv, 'KAFKA_TOPIC_PREFIX'>, topic: string): string => `${env.KAFKA_TOPIC_PREFIX}${topic}`;
