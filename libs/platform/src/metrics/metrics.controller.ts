import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { RequireScopes } from '../auth/auth.decorators';
import { MetricsService } from './metrics.service';

/** Prometheus scrapes with a key granting `metrics:read` (`authorization: { credentials: <key> }` sends it as Bearer). */
@ApiExcludeController()
@RequireScopes('metrics:read')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
