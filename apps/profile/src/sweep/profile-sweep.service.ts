import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, mongo } from 'mongoose';
import { MetricsService } from '@crm/platform';
import { EventStoreDerivedEventSink, ReadSideService } from '@crm/projections';
import { CUSTOMER_PROFILE_MODEL } from '../customers/customer-profile.projection';
import { ErasureSweep, type ErasureSweepResult } from '../erasure/erasure-sweep';
import { LifecycleSweep, type LifecycleSweepResult } from '../lifecycle/lifecycle-sweep';
import { PROFILE_SETTINGS, type ProfileSettings } from '../profile.env';
import { CUSTOMER_TIMELINE_MODEL } from '../timeline/customer-timeline.projection';

type Collection = mongo.Collection<Record<string, unknown>>;

export type SweepResult = { lifecycle: LifecycleSweepResult; erasure: ErasureSweepResult } | { skipped: string };

/**
 * Runs the lifecycle and erasure sweeps every PROFILE_SWEEP_INTERVAL_MS (never two at once in
 * this process). Several replicas may sweep at the same time: every write is conditional and every
 * event id deterministic, so they only repeat each other's work.
 */
@Injectable()
export class ProfileSweepService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ProfileSweep');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;
  private readonly profiles: Collection;
  private readonly timeline: Collection;
  private readonly duration;
  private readonly swept;

  constructor(
    @Inject(PROFILE_SETTINGS) private readonly settings: ProfileSettings,
    @InjectModel(CUSTOMER_PROFILE_MODEL) profiles: Model<Record<string, unknown>>,
    @InjectModel(CUSTOMER_TIMELINE_MODEL) timeline: Model<Record<string, unknown>>,
    private readonly readSide: ReadSideService,
    metrics: MetricsService,
  ) {
    this.profiles = profiles.collection as unknown as Collection;
    this.timeline = timeline.collection as unknown as Collection;
    this.duration = metrics.histogram('profile_sweep_duration_seconds', 'Time of one lifecycle and erasure sweep', [], [0.01, 0.05, 0.1, 0.5, 1, 5, 30]);
    this.swept = metrics.counter('profile_sweep_stage_changes_total', 'Stage changes published by the sweep');
  }

  onApplicationBootstrap(): void {
    if (this.settings.sweep.enabled) this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One sweep at `now` (what the timer runs; tests call it with the time they need). Skipped until the event store is connected. */
  async runOnce(now: Date = new Date()): Promise<SweepResult> {
    const store = this.readSide.eventStore;
    if (!store) return { skipped: 'event store not connected yet' };
    const stop = this.duration.startTimer();
    const lifecycle = await new LifecycleSweep(this.profiles, new EventStoreDerivedEventSink(store), this.settings.lifecycle, this.settings.sweep.batch).run(now);
    const erasure = await new ErasureSweep(this.profiles, this.timeline).run(now);
    stop();
    this.swept.inc(lifecycle.changes);
    return { lifecycle, erasure };
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then((result) => {
          if ('lifecycle' in result && (result.lifecycle.changes > 0 || result.erasure.timelineEntries > 0 || result.lifecycle.conflicts > 0)) {
            this.logger.log(`sweep: ${JSON.stringify(result)}`);
          }
        })
        .catch((error: unknown) => this.logger.warn(`sweep failed, retried next interval: ${(error as Error).message}`))
        .finally(() => {
          if (!this.stopped) this.schedule();
        });
    }, this.settings.sweep.intervalMs);
    this.timer.unref();
  }
}
