import { Partitioners, type Kafka, type Producer } from 'kafkajs';

/**
 * The platform's producer: idempotent (the broker drops retried duplicates within a session) and
 * partitioned with the Java client's murmur2, so keys land on the same partitions whoever produces.
 */
export const createProducer = (kafka: Kafka): Producer =>
  kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 2_147_483_647, initialRetryTime: 100, maxRetryTime: 5_000 },
  });
