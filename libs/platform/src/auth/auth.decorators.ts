import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiForbiddenResponse, ApiSecurity, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';

export const REQUIRED_SCOPES = 'crm:required-scopes';
export const PUBLIC_ENDPOINT = 'crm:public-endpoint';

/** OpenAPI security scheme names (registered in bootstrapService). */
export const API_KEY_SECURITY = 'api-key';
export const BEARER_SECURITY = 'bearer';

/**
 * The scopes a caller's API key must grant (all of them). On a class it applies to every handler;
 * on a method it replaces the class's scopes for that handler. A handler with neither this nor
 * `@Public()` is denied to everyone (fail closed).
 */
export const RequireScopes = (...scopes: string[]): ClassDecorator & MethodDecorator =>
  applyDecorators(
    SetMetadata(REQUIRED_SCOPES, scopes),
    // OpenAPI 3.0 allows scope lists only for OAuth schemes: the scopes are named in the 403 instead.
    ApiSecurity(API_KEY_SECURITY),
    ApiSecurity(BEARER_SECURITY),
    ApiUnauthorizedResponse({ description: 'No API key, or an unknown one' }),
    ApiForbiddenResponse({ description: `The API key lacks scope ${scopes.join(', ')}` }),
    ApiTooManyRequestsResponse({ description: 'Rate limit of this API key reached; see Retry-After' }),
  );

/** Reachable without credentials (health probes). */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(PUBLIC_ENDPOINT, true);
