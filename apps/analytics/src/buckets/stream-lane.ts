import { customerStreamId, parseStreamId, type CustomerEventRecord, type StreamCategory } from '@crm/contracts';

/** Whether the record comes from the customer's stream of that category (no `streamId`: its own stream). */
export const fromStream = (record: CustomerEventRecord, category: StreamCategory): boolean =>
  parseStreamId(record.streamId ?? customerStreamId(record.envelope.subject))?.category === category;
