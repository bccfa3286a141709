import { Injectable } from '@nestjs/common';

/** A dependency the service cannot do its job without; `check` rejects when it is unavailable. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

/**
 * Feature modules register the real dependencies they use (event store, Kafka, MongoDB), so
 * `/health/ready` reflects exactly what this service needs and nothing it does not.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks: ReadinessCheck[] = [];

  register(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  all(): readonly ReadinessCheck[] {
    return this.checks;
  }
}
