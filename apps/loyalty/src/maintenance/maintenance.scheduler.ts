import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { MetricsService } from '@crm/platform';
import { LOYALTY_SETTINGS, type LoyaltySettings } from '../loyalty.env';
import { MaintenanceRuns, type MaintenanceReport } from './maintenance-runs';

/**
 * Runs MaintenanceRuns every `LOYALTY_MAINTENANCE_INTERVAL_MS`, one run at a time in a process
 * (a run that overruns the interval delays the next instead of overlapping it). Several service
 * instances may run at once: the runs are idempotent.
 */
@Injectable()
export class MaintenanceScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('LoyaltyMaintenance');
  private timer?: NodeJS.Timeout;
  private running?: Promise<MaintenanceReport>;
  private stopped = false;
  private readonly expired;

  constructor(
    private readonly runs: MaintenanceRuns,
    @Inject(LOYALTY_SETTINGS) private readonly settings: LoyaltySettings,
    metrics: MetricsService,
  ) {
    this.expired = metrics.counter('loyalty_points_expired_total', 'Points expired by maintenance runs');
  }

  onApplicationBootstrap(): void {
    const interval = this.settings.loyalty.LOYALTY_MAINTENANCE_INTERVAL_MS;
    if (interval > 0) this.schedule(interval);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One run now (or the one in progress); also what `POST /v1/loyalty/maintenance:run` calls. */
  runNow(now?: Date): Promise<MaintenanceReport> {
    if (!this.running) {
      this.running = this.runs
        .run(now)
        .then((report) => {
          this.expired.inc(report.pointsExpired);
          return report;
        })
        .finally(() => (this.running = undefined));
    }
    return this.running;
  }

  private schedule(interval: number): void {
    this.timer = setTimeout(async () => {
      try {
        const report = await this.runNow();
        if (report.accountsExpired + report.tierChanges + report.reservationsReleased + report.reservationsConfirmed > 0) {
          this.logger.log(`maintenance: ${JSON.stringify(report)}`);
        }
      } catch (error) {
        this.logger.warn(`maintenance run failed, retried next time: ${(error as Error).message}`);
      }
      if (!this.stopped) this.schedule(interval);
    }, interval);
    this.timer.unref();
  }
}
