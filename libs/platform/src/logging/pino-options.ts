import type { Options } from 'pino-http';

/**
 * JSON logs with the service name on every line. Successful requests are not logged and client
 * errors only at debug level (the caller got a field-level answer already): at thousands
 * of requests per second that is noise and CPU; the metrics carry their rates and latencies.
 */
export function pinoHttpOptions(service: string, level: string): Options {
  return {
    level,
    base: { service },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'debug' : 'silent'),
    redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'],
  };
}
