import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, mongo } from 'mongoose';
import type { RfmThresholds } from '@crm/segmentation-domain';

interface StoredThresholds extends RfmThresholds {
  readonly _id: 'current';
}

/** The RFM thresholds last computed over the customer base (one document). */
@Injectable()
export class RfmThresholdsRepository {
  private readonly collection: mongo.Collection<StoredThresholds>;

  constructor(@InjectConnection() connection: Connection) {
    this.collection = connection.collection<StoredThresholds>('rfm_thresholds');
  }

  async load(): Promise<RfmThresholds | null> {
    const found = (await this.collection.findOne({ _id: 'current' })) as StoredThresholds | null;
    if (!found) return null;
    const { _id: _ignored, ...thresholds } = found;
    return thresholds;
  }

  async save(thresholds: RfmThresholds): Promise<void> {
    await this.collection.replaceOne({ _id: 'current' }, thresholds, { upsert: true });
  }
}
