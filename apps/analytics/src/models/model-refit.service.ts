import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { randomUUID } from 'node:crypto';
import type { Model, mongo } from 'mongoose';
import { addDays, CHURN_RISK_RULE, runPurchaseModels, type ScoredCustomer } from '@crm/analytics-domain';
import { MetricsService } from '@crm/platform';
import { ANALYTICS_SETTINGS, type AnalyticsSettings } from '../analytics.env';
import { todayUtc } from '../http/period.query';
import { BucketReader } from '../reading/bucket-reader';
import { CUSTOMER_PREDICTION_MODEL, MODEL_FIT_MODEL, MODEL_FITS_KEPT, type CustomerPredictionDocument, type ModelFitDocument } from './model-storage';

const WRITE_CHUNK = 1_000;
/** The first scheduled refit comes soon after start, so a fresh service has a model to show. */
const FIRST_REFIT_DELAY_MS = 10_000;
const UNTIL_FIRST_FIT_RETRY_MS = 30_000;

/**
 * Refits the purchase models on a schedule (`ANALYTICS_REFIT_INTERVAL_MS`) or on request, from the
 * per-customer histories (never events), and stores the parameters and every customer's
 * predictions and churn risk. One refit at a time per process: a request during a refit gets that
 * refit's result. Several replicas each refit; the results are the same, the last one stays.
 */
@Injectable()
export class ModelRefitService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ModelRefit');
  private running: Promise<ModelFitDocument | null> | null = null;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly fitSeconds;

  constructor(
    @Inject(ANALYTICS_SETTINGS) private readonly settings: AnalyticsSettings,
    private readonly reader: BucketReader,
    @InjectModel(MODEL_FIT_MODEL) private readonly fits: Model<Record<string, unknown>>,
    @InjectModel(CUSTOMER_PREDICTION_MODEL) private readonly predictions: Model<Record<string, unknown>>,
    metrics: MetricsService,
  ) {
    this.fitSeconds = metrics.histogram('analytics_model_refit_seconds', 'Time to refit the purchase models and rescore every customer', [], [0.1, 0.5, 1, 2.5, 5, 10, 30, 60]);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Indexes in place before the first write (and before a test's teardown drops the database).
    await Promise.all([this.fits.init(), this.predictions.init()]);
    const interval = this.settings.models.ANALYTICS_REFIT_INTERVAL_MS;
    if (interval === 0) return;
    const tick = (delay: number) => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.refit()
          // Until there is a first fit (nobody had bought yet), try again soon rather than a whole interval later.
          .then((fit) => (fit === null ? Math.min(interval, UNTIL_FIRST_FIT_RETRY_MS) : interval))
          .catch((error: unknown) => {
            this.logger.error(`scheduled refit failed: ${(error as Error).message}`);
            return interval;
          })
          .then((next) => tick(next));
      }, delay);
      this.timer.unref();
    };
    tick(Math.min(interval, FIRST_REFIT_DELAY_MS));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Refits now (or joins the refit under way); null when no customer has bought yet. */
  refit(now: Date = new Date()): Promise<ModelFitDocument | null> {
    this.running ??= this.run(now).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async latest(): Promise<ModelFitDocument | null> {
    const [latest] = await this.fits.collection.find({}).sort({ fittedAt: -1 }).limit(1).toArray();
    return (latest as unknown as ModelFitDocument | undefined) ?? null;
  }

  private async run(now: Date): Promise<ModelFitDocument | null> {
    const stop = this.fitSeconds.startTimer();
    const started = Date.now();
    const m = this.settings.models;
    const asOf = todayUtc(now);
    const scope = await this.reader.scope();
    const histories = await this.reader.historiesOf(scope, 'models');
    const recent = { from: addDays(asOf, -(CHURN_RISK_RULE.recentDays - 1)), to: asOf };
    const downgrades = await this.reader.loyaltyDaysIn(recent, { tierDowngrades: { $gt: 0 } });
    const run = runPurchaseModels(histories, new Set(downgrades.map((d) => scope.canonical(d.customerId))), {
      asOf,
      currency: m.ANALYTICS_MODEL_CURRENCY,
      purchaseHorizonWeeks: m.ANALYTICS_PURCHASE_HORIZON_WEEKS,
      clvHorizonMonths: m.ANALYTICS_CLV_HORIZON_MONTHS,
      clvMonthlyDiscountRate: m.ANALYTICS_CLV_MONTHLY_DISCOUNT_RATE,
      atRiskThreshold: m.ANALYTICS_AT_RISK_THRESHOLD,
    });
    if (run === null) {
      stop();
      return null;
    }
    const fitId = `${now.toISOString()}-${randomUUID().slice(0, 8)}`;
    const segmentsOf = new Map<string, string[]>();
    for (const m of await this.reader.segmentMemberships()) {
      const id = scope.canonical(m.customerId);
      segmentsOf.set(id, [...new Set([...(segmentsOf.get(id) ?? []), ...m.segments.map((s) => s.segmentId)])]);
    }
    await this.storePredictions(fitId, asOf, run.customers, segmentsOf);
    const fit: ModelFitDocument = {
      _id: fitId,
      fittedAt: now.toISOString(),
      asOf,
      currency: run.currency,
      durationMs: Date.now() - started,
      customers: run.customers.length,
      atRiskCustomers: run.customers.filter((c) => c.atRisk).length,
      bgNbd: run.models.bgNbd,
      gammaGamma: run.models.gammaGamma,
      repeatPurchaseCounts: run.repeatPurchaseCounts,
      settings: {
        purchaseHorizonWeeks: m.ANALYTICS_PURCHASE_HORIZON_WEEKS,
        clvHorizonMonths: m.ANALYTICS_CLV_HORIZON_MONTHS,
        clvMonthlyDiscountRate: m.ANALYTICS_CLV_MONTHLY_DISCOUNT_RATE,
        atRiskThreshold: m.ANALYTICS_AT_RISK_THRESHOLD,
      },
    };
    await this.fits.collection.insertOne(fit as unknown as mongo.OptionalId<mongo.Document>);
    const old = await this.fits.collection.find({}, { projection: { _id: 1 } }).sort({ fittedAt: -1 }).skip(MODEL_FITS_KEPT).toArray();
    if (old.length > 0) await this.fits.collection.deleteMany({ _id: { $in: old.map((o) => o._id) } });
    stop();
    this.logger.log(`refitted on ${fit.customers} customers in ${fit.durationMs} ms (BG/NBD converged: ${fit.bgNbd.converged})`);
    return fit;
  }

  /** Replaces every customer's predictions, then drops those of customers no longer scored (merged away). */
  private async storePredictions(fitId: string, asOf: string, customers: readonly ScoredCustomer[], segmentsOf: ReadonlyMap<string, string[]>): Promise<void> {
    for (let i = 0; i < customers.length; i += WRITE_CHUNK) {
      const chunk = customers.slice(i, i + WRITE_CHUNK).map((c) => toDocument(fitId, asOf, c, segmentsOf.get(c.customerId) ?? []));
      await this.predictions.collection.bulkWrite(
        chunk.map((document) => ({ replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true } })) as unknown as mongo.AnyBulkWriteOperation<mongo.Document>[],
        { ordered: false },
      );
    }
    await this.predictions.collection.deleteMany({ fitId: { $ne: fitId } });
  }
}

function toDocument(fitId: string, asOf: string, customer: ScoredCustomer, segmentIds: string[]): CustomerPredictionDocument {
  return { ...customer, _id: customer.customerId, fitId, asOf, churnRiskScore: customer.churnRisk.score, segmentIds };
}
