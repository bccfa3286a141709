import { Expose } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Min, ValidateIf } from 'class-validator';
import { EnvBoolean, EnvList } from './env-transforms';
import { InvalidConfigurationError, loadEnv, redactSettings } from './load-env';

class SampleEnv {
  @Expose() @IsInt() @Min(1) PORT: number = 3000;
  @Expose() @EnvBoolean() @IsBoolean() ENABLED: boolean = true;
  @Expose() @EnvList() @IsString({ each: true }) BROKERS: string[] = ['a:1'];
  @Expose() @IsIn(['postgres', 'eventstoredb']) STORE: string = 'postgres';
  @Expose() @ValidateIf((o: SampleEnv) => o.STORE === 'eventstoredb') @IsString() STORE_URL?: string;
  @Expose() @IsOptional() @IsString() DB_PASSWORD?: string;
}

describe('loadEnv', () => {
  it('applies defaults, converts types and ignores unrelated variables', () => {
    const env = loadEnv(SampleEnv, { PORT: '8080', ENABLED: 'false', BROKERS: 'x:1, y:2', PATH: '/bin' });
    expect(env).toEqual(Object.assign(new SampleEnv(), { PORT: 8080, ENABLED: false, BROKERS: ['x:1', 'y:2'] }));
    expect((env as unknown as Record<string, unknown>)['PATH']).toBeUndefined();
  });

  it('lists every problem at once', () => {
    expect(() => loadEnv(SampleEnv, { PORT: 'abc', ENABLED: 'maybe', STORE: 'eventstoredb' })).toThrow(InvalidConfigurationError);
    try {
      loadEnv(SampleEnv, { PORT: 'abc', ENABLED: 'maybe', STORE: 'eventstoredb' });
    } catch (e) {
      const problems = (e as InvalidConfigurationError).problems.join('\n');
      expect(problems).toContain('PORT');
      expect(problems).toContain('ENABLED');
      expect(problems).toContain('STORE_URL');
    }
  });

  it('keeps defaults for unset lists and booleans', () => {
    expect(loadEnv(SampleEnv, {})).toEqual(new SampleEnv());
  });

  it('takes per-service defaults below the environment', () => {
    expect(loadEnv(SampleEnv, {}, { PORT: '3005' }).PORT).toBe(3005);
    expect(loadEnv(SampleEnv, { PORT: '1' }, { PORT: '3005' }).PORT).toBe(1);
  });

  it('masks secrets and URL passwords', () => {
    expect(redactSettings({ DB_PASSWORD: 'p', URL: 'postgres://u:secret@h/db' })).toEqual({ DB_PASSWORD: '***', URL: 'postgres://u:***@h/db' });
  });
});
