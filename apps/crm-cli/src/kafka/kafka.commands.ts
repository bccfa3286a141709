import { Topics } from '@crm/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaConfig, topicName, type KafkaEnv } from '@crm/messaging';
import { CliError, println, type CliOutput } from '../cli-output';
import { applyKafkaReplay, KafkaReplayRefused, planKafkaReplay } from './kafka-replay';

export interface KafkaReplayOptions {
  readonly group: string;
  readonly from: string;
  readonly to?: string;
  readonly topic?: string;
  readonly dryRun?: boolean;
}

/**
 * `crm kafka replay --group g --from <time> [--to <time>]`: prepares a new consumer group to
 * re-deliver a time range of a topic (default `crm.customer-events.v1`, with KAFKA_TOPIC_PREFIX),
 * and prints the plan as JSON: where each partition starts and the offset to stop before.
 */
export async function kafkaReplayCommand(options: KafkaReplayOptions, env: () => KafkaEnv, output: CliOutput): Promise<number> {
  const from = new Date(options.from);
  if (Number.isNaN(from.getTime())) throw new CliError(`--from: "${options.from}" is not a date/time`);
  const to = options.to !== undefined ? new Date(options.to) : undefined;
  if (to && Number.isNaN(to.getTime())) throw new CliError(`--to: "${options.to}" is not a date/time`);
  const kafkaEnv = env();
  const topic = topicName(kafkaEnv, options.topic ?? Topics.customerEvents);
  // The services log kafkajs as JSON on stdout; the CLI keeps stdout for its answer.
  const admin = new Kafka({
    ...kafkaConfig(kafkaEnv, 'crm-cli'),
    logLevel: logLevel.ERROR,
    logCreator: () => ({ log }) => println(output.err, `kafka: ${log.message}`),
  }).admin();
  await admin.connect();
  try {
    const plan = await planKafkaReplay(admin, topic, options.group, from, to);
    if (!options.dryRun) await applyKafkaReplay(admin, plan);
    println(output.out, JSON.stringify({ ...plan, applied: !options.dryRun }, null, 2));
    println(
      output.err,
      options.dryRun
        ? `dry run: group ${plan.group} not created`
        : `group ${plan.group} starts at ${from.toISOString()} on ${topic} (${plan.messages} messages${to ? ` until ${to.toISOString()}: stop each partition before its "to" offset` : ' to the current end'})`,
    );
    return 0;
  } catch (error) {
    if (error instanceof KafkaReplayRefused) throw new CliError(error.message);
    throw error;
  } finally {
    await admin.disconnect();
  }
}
