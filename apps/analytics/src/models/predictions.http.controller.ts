import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Model, mongo } from 'mongoose';
import { RequireScopes } from '@crm/platform';
import { BucketReader } from '../reading/bucket-reader';
import { ModelRefitService } from './model-refit.service';
import { CUSTOMER_PREDICTION_MODEL, type CustomerPredictionDocument } from './model-storage';
import { AtRiskQuery, PredictionListQuery } from './predictions.query';

type Prediction = Omit<CustomerPredictionDocument, '_id'>;

@RequireScopes('analytics:read')
@ApiTags('predictions')
@Controller('v1')
export class PredictionsHttpController {
  constructor(
    private readonly reader: BucketReader,
    private readonly refits: ModelRefitService,
    @InjectModel(CUSTOMER_PREDICTION_MODEL) private readonly predictions: Model<Record<string, unknown>>,
  ) {}

  @Get('predictions/:customerId')
  @ApiOperation({ summary: 'One customer’s predictions from the latest fit: P(alive), expected purchases, expected spend, predicted CLV, churn risk' })
  @ApiNotFoundResponse({ description: 'No prediction: the customer has not completed an order, or no fit has run since' })
  async one(@Param('customerId') customerId: string): Promise<Prediction & { redirectedFrom?: string }> {
    const scope = await this.reader.scope();
    const id = scope.canonical(customerId);
    const found = await this.predictions.collection.findOne({ _id: id as never }, { projection: { _id: 0 } });
    if (!found) throw new NotFoundException(`no prediction for customer ${customerId}`);
    return { ...(found as unknown as Prediction), ...(id !== customerId ? { redirectedFrom: customerId } : {}) };
  }

  @Get('predictions')
  @ApiOperation({ summary: 'Every scored customer’s predictions from the latest fit, a page at a time, optionally one segment' })
  async list(@Query() query: PredictionListQuery): Promise<{ asOf: string | null; page: number; pageSize: number; total: number; customers: Prediction[] }> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const filter = this.segmentFilter(query.segment);
    const sort: mongo.Sort = query.sort === 'churn-risk' ? { churnRiskScore: -1, _id: 1 } : { predictedClvMinor: -1, _id: 1 };
    const [total, rows, fit] = await Promise.all([
      this.predictions.collection.countDocuments(filter),
      this.predictions.collection.find(filter, { projection: { _id: 0 } }).sort(sort).skip((page - 1) * pageSize).limit(pageSize).toArray(),
      this.refits.latest(),
    ]);
    return { asOf: fit?.asOf ?? null, page, pageSize, total, customers: rows as unknown as Prediction[] };
  }

  @Get('at-risk')
  @ApiOperation({ summary: 'Customers whose churn risk reaches the threshold, highest first, optionally one segment (as of the latest fit)' })
  async atRisk(@Query() query: AtRiskQuery): Promise<{ asOf: string | null; threshold: number | null; segment: string | null; total: number; customers: Prediction[] }> {
    const filter = { ...this.segmentFilter(query.segment), atRisk: true };
    const [total, rows, fit] = await Promise.all([
      this.predictions.collection.countDocuments(filter),
      this.predictions.collection.find(filter, { projection: { _id: 0 } }).sort({ churnRiskScore: -1, _id: 1 }).limit(query.limit ?? 50).toArray(),
      this.refits.latest(),
    ]);
    return { asOf: fit?.asOf ?? null, threshold: fit?.settings.atRiskThreshold ?? null, segment: query.segment ?? null, total, customers: rows as unknown as Prediction[] };
  }

  /** The segment's members at the latest refit (predictions carry the segments of that moment). */
  private segmentFilter(segment?: string): mongo.Filter<mongo.Document> {
    return segment === undefined ? {} : { segmentIds: segment };
  }
}
