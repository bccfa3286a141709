import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { KafkaEnv } from './kafka.env';

const LEVEL_NAMES: Record<number, string> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs logs as one JSON line each, like the rest of the service. */
const jsonLogCreator = (service: string) => () => ({ level, log }: { level: number; log: { message: string } & Record<string, unknown> }) => {
  const { message, ...extra } = log;
  process.stdout.write(
    `${JSON.stringify({ level: LEVEL_NAMES[level] ?? level, time: Date.now(), service, component: 'kafkajs', msg: message, ...extra })}\n`,
  );
};

function sasl(env: KafkaEnv): SASLOptions | undefined {
  if (!env.KAFKA_SASL_MECHANISM) return undefined;
  const username = env.KAFKA_SASL_USERNAME ?? '';
  const password = env.KAFKA_SASL_PASSWORD ?? '';
  switch (env.KAFKA_SASL_MECHANISM) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}

export function kafkaConfig(env: KafkaEnv, service: string): KafkaConfig {
  const ssl = env.KAFKA_SSL_CA_FILE ? { ca: [readFileSync(env.KAFKA_SSL_CA_FILE, 'utf8')] } : env.KAFKA_SSL;
  return {
    clientId: env.KAFKA_CLIENT_ID ?? service,
    brokers: env.KAFKA_BROKERS,
    ssl,
    sasl: sasl(env),
    logLevel: logLevel.WARN,
    logCreator: jsonLogCreator(service),
    retry: { initialRetryTime: 100, retries: 8 },
  };
}

export const createKafka = (env: KafkaEnv, service: string): Kafka => new Kafka(kafkaConfig(env, service));
