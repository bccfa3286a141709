import { Expose } from 'class-transformer';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { EventStoreEnv } from '@crm/event-store';
import { KafkaEnv } from '@crm/messaging';
import { AuthEnv, EnvBoolean, HttpEnv, loadEnv } from '@crm/platform';
import { MongoEnv } from '@crm/projections';

export const SERVICE = 'segmentation';

/** Injection token of the service's `SegmentationSettings`. */
export const SEGMENTATION_SETTINGS = Symbol('SEGMENTATION_SETTINGS');

/** The sweep (time-based conditions, RFM thresholds, size history) and the back-fill of segments. */
export class SegmentationMaintenanceEnv {
  /** Run the sweep in this process: "no purchase for 120 days" turns true with time, not with an event. */
  @Expose() @EnvBoolean() @IsBoolean()
  SEGMENT_SWEEP_ENABLED: boolean = true;

  /** How often the sweep re-judges customers whose time-based conditions are due, and records segment sizes. */
  @Expose() @IsInt() @Min(1_000) @Max(86_400_000)
  SEGMENT_SWEEP_INTERVAL_MS: number = 60_000;

  /** How often RFM quintile thresholds are recomputed over the customer base (when a segment uses RFM). */
  @Expose() @IsInt() @Min(60_000) @Max(604_800_000)
  SEGMENT_RFM_INTERVAL_MS: number = 3_600_000;

  /** How often the sweep records segment sizes for the size history (each recording counts every segment's members). */
  @Expose() @IsInt() @Min(60_000) @Max(86_400_000)
  SEGMENT_HISTORY_INTERVAL_MS: number = 900_000;

  /** Customers read and written per round trip by the back-fill and the sweep. */
  @Expose() @IsInt() @Min(100) @Max(20_000)
  SEGMENT_BATCH: number = 5_000;
}

export interface MaintenanceSettings {
  readonly sweepEnabled: boolean;
  readonly sweepIntervalMs: number;
  readonly rfmIntervalMs: number;
  readonly historyIntervalMs: number;
  readonly batch: number;
}

export interface SegmentationSettings {
  readonly http: HttpEnv;
  readonly auth: AuthEnv;
  readonly kafka: KafkaEnv;
  readonly mongo: MongoEnv;
  /** Membership changes are appended to `segment-membership-<customerId>` streams (the relay publishes them). */
  readonly eventStore: EventStoreEnv;
  readonly maintenance: MaintenanceSettings;
}

export const loadSegmentationSettings = (env: NodeJS.ProcessEnv = process.env): SegmentationSettings => {
  const maintenance = loadEnv(SegmentationMaintenanceEnv, env);
  return {
    http: loadEnv(HttpEnv, env, { PORT: '3003' }),
    auth: loadEnv(AuthEnv, env),
    kafka: loadEnv(KafkaEnv, env),
    mongo: loadEnv(MongoEnv, env, { MONGODB_DB: SERVICE }),
    // It appends membership events only (batched): a few connections suffice.
    eventStore: loadEnv(EventStoreEnv, env, { POSTGRES_POOL_SIZE: '4' }),
    maintenance: {
      sweepEnabled: maintenance.SEGMENT_SWEEP_ENABLED,
      sweepIntervalMs: maintenance.SEGMENT_SWEEP_INTERVAL_MS,
      rfmIntervalMs: maintenance.SEGMENT_RFM_INTERVAL_MS,
      historyIntervalMs: maintenance.SEGMENT_HISTORY_INTERVAL_MS,
      batch: maintenance.SEGMENT_BATCH,
    },
  };
};
