import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { apiKeyEntry, authHeader, TEST_API_KEY, testApiKeyEnv } from '../testing/test-api-key';
import { loadEnv } from '../config/load-env';
import { HttpEnv } from '../config/http.env';
import { PlatformModule } from '../platform.module';
import { Public, RequireScopes } from './auth.decorators';
import { AuthEnv } from './auth.env';

@RequireScopes('profiles:read')
@Controller('things')
class ThingsController {
  @Get()
  list() {
    return ['a'];
  }

  @Get('admin')
  @RequireScopes('admin:replay')
  admin() {
    return 'admin';
  }
}

@Controller('open')
class MixedController {
  @Get('public')
  @Public()
  open() {
    return 'open';
  }

  @Get('forgotten')
  forgotten() {
    return 'should never answer';
  }
}

const READER_KEY = 'reader-key-0123456789';

async function start(env: Record<string, string>): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [PlatformModule.forRoot({ service: 'unit', http: loadEnv(HttpEnv, { LOG_LEVEL: 'silent' }), auth: loadEnv(AuthEnv, env) })],
    controllers: [ThingsController, MixedController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe('ApiKeyGuard (PlatformModule)', () => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await start({ API_KEYS: `${testApiKeyEnv()['API_KEYS']};${apiKeyEntry('reader', READER_KEY, ['profiles:read'])}` });
  });
  afterAll(() => app?.close());

  it('401 without a key names the required scopes', async () => {
    const res = await http().get('/things').expect(401);
    expect(res.body).toMatchObject({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'API key required: send x-api-key or Authorization: Bearer',
      requiredScopes: ['profiles:read'],
    });
  });

  it('401 for an unknown key, in either header', async () => {
    expect((await http().get('/things').set('x-api-key', 'nope').expect(401)).body.message).toBe('invalid API key');
    await http().get('/things').set('authorization', 'Bearer nope').expect(401);
  });

  it('accepts the key as x-api-key or as a bearer token', async () => {
    await http().get('/things').set(authHeader()).expect(200);
    await http().get('/things').set('authorization', `Bearer ${TEST_API_KEY}`).expect(200);
    await http().get('/things').set('x-api-key', READER_KEY).expect(200);
  });

  it('403 names the key and the missing scope; a method scope replaces the class scope', async () => {
    const res = await http().get('/things/admin').set('x-api-key', READER_KEY).expect(403);
    expect(res.body).toMatchObject({ statusCode: 403, message: 'API key "reader" lacks scope admin:replay', missingScopes: ['admin:replay'] });
    await http().get('/things/admin').set(authHeader()).expect(200);
  });

  it('health and @Public() need no key; /metrics needs metrics:read', async () => {
    await http().get('/health/live').expect(200);
    await http().get('/open/public').expect(200);
    await http().get('/metrics').expect(401);
    expect((await http().get('/metrics').set('x-api-key', READER_KEY).expect(403)).body.missingScopes).toEqual(['metrics:read']);
    await http().get('/metrics').set(authHeader()).expect(200);
  });

  it('fails closed: a handler without @RequireScopes or @Public is denied even to a * key', async () => {
    await http().get('/open/forgotten').expect(401);
    await http().get('/open/forgotten').set(authHeader()).expect(403);
  });
});

describe('rate limit per API key', () => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await start({
      API_KEYS: `${testApiKeyEnv()['API_KEYS']};${apiKeyEntry('reader', READER_KEY, ['profiles:read'])}`,
      RATE_LIMIT_PER_MINUTE: '3',
    });
  });
  afterAll(() => app?.close());

  it('answers 429 with Retry-After after the limit, counting every endpoint of one key together, not other keys or health', async () => {
    await http().get('/things').set(authHeader()).expect(200);
    await http().get('/things/admin').set(authHeader()).expect(200);
    await http().get('/metrics').set(authHeader()).expect(200);
    const limited = await http().get('/things').set(authHeader()).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.message).toMatch(/rate limit of 3 requests per minute reached for API key "test"/);
    await http().get('/things').set('x-api-key', READER_KEY).expect(200);
    for (let i = 0; i < 5; i++) await http().get('/health/live').expect(200);
  });
});

describe('AUTH_DISABLED=true', () => {
  it('lets every request through without a key', async () => {
    const app = await start({ AUTH_DISABLED: 'true' });
    try {
      await request(app.getHttpServer()).get('/things/admin').expect(200);
      await request(app.getHttpServer()).get('/metrics').expect(200);
    } finally {
      await app.close();
    }
  });
});
