import type { CustomerHistory } from '../buckets/customer-history';
import { churnRisk, isRecent, type ChurnRisk } from '../churn-risk/churn-risk';
import { predictCustomer, type CustomerPrediction, type PredictionSettings } from './customer-prediction';
import { customerRfm, type CustomerRfm } from './customer-rfm';
import { fitPurchaseModels, repeatPurchaseCounts, type PurchaseModels, type RepeatPurchaseCount } from './purchase-models';

export interface ScoredCustomer extends CustomerPrediction {
  readonly openTickets: number;
  readonly recentDetractor: boolean;
  readonly recentTierDowngrade: boolean;
  readonly churnRisk: ChurnRisk;
  readonly atRisk: boolean;
}

export interface ModelRunOptions extends PredictionSettings {
  /** The day the models look from: purchases after it are ignored, ages run to it. */
  readonly asOf: string;
  readonly currency: string;
  /** Churn-risk score from which a customer is at risk. */
  readonly atRiskThreshold: number;
}

export interface ModelRun {
  readonly asOf: string;
  readonly currency: string;
  readonly models: PurchaseModels;
  readonly repeatPurchaseCounts: RepeatPurchaseCount[];
  readonly customers: ScoredCustomer[];
}

/**
 * Fits the purchase models to every customer who has bought (histories one per customer as
 * counted now), then predicts and scores each of them. Null when nobody has bought yet.
 * `tierDowngradedRecently`: customers (as counted now) with a loyalty tier downgrade in the
 * churn rule's recent window.
 */
export function runPurchaseModels(histories: readonly CustomerHistory[], tierDowngradedRecently: ReadonlySet<string>, options: ModelRunOptions): ModelRun | null {
  const summaries: { rfm: CustomerRfm; history: CustomerHistory }[] = [];
  // In id order, so the fit does not depend on the order the histories were read in.
  for (const history of [...histories].sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0))) {
    const rfm = customerRfm(history, options.asOf, options.currency);
    if (rfm !== null) summaries.push({ rfm, history });
  }
  const models = fitPurchaseModels(summaries.map((s) => s.rfm));
  if (models === null) return null;
  const customers = summaries.map(({ rfm, history }) => {
    const prediction = predictCustomer(models, rfm, options);
    const signals = {
      openTickets: history.openTickets.length,
      recentDetractor: isRecent(history.lastDetractorDay, options.asOf),
      recentTierDowngrade: tierDowngradedRecently.has(history.customerId),
    };
    const risk = churnRisk({ probabilityAlive: prediction.probabilityAlive, ...signals });
    return { ...prediction, ...signals, churnRisk: risk, atRisk: risk.score >= options.atRiskThreshold };
  });
  return {
    asOf: options.asOf,
    currency: options.currency,
    models,
    repeatPurchaseCounts: repeatPurchaseCounts(models.bgNbd.parameters, summaries.map((s) => s.rfm)),
    customers,
  };
}
