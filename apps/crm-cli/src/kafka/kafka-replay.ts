import type { Admin } from 'kafkajs';

/** Where a new consumer group starts and where the range ends, per partition. */
export interface PartitionRange {
  readonly partition: number;
  /** First offset at or after `from` (the group starts here). */
  readonly from: string;
  /** First offset at or after `to`, exclusive: the consumer stops before it. The partition's end when no `to`. */
  readonly to: string;
  readonly messages: number;
}

export interface KafkaReplayPlan {
  readonly topic: string;
  readonly group: string;
  readonly from: string;
  readonly to: string | null;
  readonly partitions: readonly PartitionRange[];
  readonly messages: number;
}

export class KafkaReplayRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KafkaReplayRefused';
  }
}

/**
 * The offsets that bound a time range of a topic, by message timestamp (the time the relay
 * published each event, a few milliseconds after it was stored): per partition, the first offset
 * at or after `from`, and the first at or after `to` (or the end of the partition).
 */
export async function planKafkaReplay(admin: Admin, topic: string, group: string, from: Date, to?: Date): Promise<KafkaReplayPlan> {
  if (to && to <= from) throw new KafkaReplayRefused('--to must be after --from');
  const starts = await admin.fetchTopicOffsetsByTimestamp(topic, from.getTime());
  const ends = to ? await admin.fetchTopicOffsetsByTimestamp(topic, to.getTime()) : (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.high }));
  const partitions = starts
    .map(({ partition, offset }) => {
      const end = ends.find((e) => e.partition === partition)?.offset ?? offset;
      return { partition, from: offset, to: end, messages: Math.max(0, Number(end) - Number(offset)) };
    })
    .sort((a, b) => a.partition - b.partition);
  return { topic, group, from: from.toISOString(), to: to?.toISOString() ?? null, partitions, messages: partitions.reduce((sum, p) => sum + p.messages, 0) };
}

/**
 * Points a NEW consumer group at the plan's start offsets. Refuses a group that has members or
 * has committed offsets on the topic: re-pointing a live group (a running service's) would make
 * it skip or refold events. Nothing else is touched: other groups keep their offsets.
 */
export async function applyKafkaReplay(admin: Admin, plan: KafkaReplayPlan): Promise<void> {
  const { groups } = await admin.describeGroups([plan.group]);
  const description = groups[0];
  if (description && description.members.length > 0) {
    throw new KafkaReplayRefused(`consumer group ${plan.group} has ${description.members.length} running member(s): a replay needs a new group`);
  }
  const [committed] = await admin.fetchOffsets({ groupId: plan.group, topics: [plan.topic] });
  const used = committed?.partitions.filter((p) => Number(p.offset) >= 0) ?? [];
  if (used.length > 0) {
    throw new KafkaReplayRefused(`consumer group ${plan.group} already has offsets on ${plan.topic} (partitions ${used.map((p) => p.partition).join(', ')}): choose a new group name`);
  }
  await admin.setOffsets({ groupId: plan.group, topic: plan.topic, partitions: plan.partitions.map((p) => ({ partition: p.partition, offset: p.from })) });
}
