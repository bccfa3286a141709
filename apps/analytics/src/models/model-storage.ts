import { Schema } from 'mongoose';
import type { BgNbdFit, GammaGammaFit, RepeatPurchaseCount, ScoredCustomer } from '@crm/analytics-domain';

export const MODEL_FIT_MODEL = 'ModelFit';
export const CUSTOMER_PREDICTION_MODEL = 'CustomerPrediction';

/** One refit: the parameters, how well they fit, and the settings the predictions were made with. */
export interface ModelFitDocument {
  _id: string;
  fittedAt: string;
  /** Purchases up to and including this day were used; ages run to it. */
  asOf: string;
  currency: string;
  durationMs: number;
  customers: number;
  atRiskCustomers: number;
  bgNbd: BgNbdFit;
  gammaGamma: GammaGammaFit | null;
  repeatPurchaseCounts: RepeatPurchaseCount[];
  settings: { purchaseHorizonWeeks: number; clvHorizonMonths: number; clvMonthlyDiscountRate: number; atRiskThreshold: number };
}

/** A customer's predictions from one refit (`_id` = customer id as counted at the refit). */
export type CustomerPredictionDocument = ScoredCustomer & {
  _id: string;
  fitId: string;
  asOf: string;
  churnRiskScore: number;
  /** The segments the customer was in at the refit: lists by segment select on this. */
  segmentIds: string[];
};

export const modelFitSchema = new Schema({ _id: String }, { collection: 'model_fits', strict: false, versionKey: false, _id: false });
modelFitSchema.index({ fittedAt: -1 });

export const customerPredictionSchema = new Schema({ _id: String }, { collection: 'customer_predictions', strict: false, versionKey: false, _id: false });
customerPredictionSchema.index({ atRisk: 1, churnRiskScore: -1 });

/** Fits kept for looking back; older ones are deleted at each refit. */
export const MODEL_FITS_KEPT = 20;
