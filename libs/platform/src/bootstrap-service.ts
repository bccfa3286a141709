import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { API_KEY_SECURITY, BEARER_SECURITY } from './auth/auth.decorators';
import type { HttpEnv } from './config/http.env';

export interface BootstrapOptions {
  readonly service: string;
  readonly description: string;
  readonly http: HttpEnv;
}

/**
 * Starts a service the same way everywhere: JSON logs, field-level validation errors, OpenAPI at
 * `/docs` (JSON at `/docs-json`), and SIGTERM/SIGINT handled by closing the app, which stops
 * accepting requests, lets modules commit and disconnect, then exits.
 */
export async function bootstrapService(rootModule: Parameters<typeof NestFactory.create>[0], options: BootstrapOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(rootModule, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: options.http.REQUEST_BODY_LIMIT });
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`crm ${options.service}`)
      .setDescription(options.description)
      .setVersion('1')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key', description: 'API key (README "Access control")' }, API_KEY_SECURITY)
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'API key', description: 'The same API key as a bearer token' }, BEARER_SECURITY)
      .build(),
  );
  // Registered outside the controllers, so the guards do not apply: the document is public (it
  // describes the API, not its data), which also lets a browser open /docs and enter a key there.
  SwaggerModule.setup('docs', app, document, { swaggerOptions: { persistAuthorization: true } });
  await app.listen(options.http.PORT, options.http.HOST);
  forceExitAfter(options.http.SHUTDOWN_TIMEOUT_MS);
  app.get(Logger).log(`${options.service} listening on http://${options.http.HOST}:${options.http.PORT}`);
  return app;
}

/** A shutdown that hangs (a stuck broker call) must not keep an orchestrator waiting forever. */
function forceExitAfter(timeoutMs: number): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => process.exit(1), timeoutMs).unref());
  }
}
