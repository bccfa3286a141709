import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { asyncApiDocument, CUSTOMER_EVENT_TYPES, EVENT_CATALOGUE, eventJsonSchemas, findEventType, type JsonSchema } from '@crm/contracts';
import { RequireScopes } from '@crm/platform';

export interface EventSchemaEntry {
  type: string;
  schemaVersion: number;
  description: string;
  /** JSON Schema (draft-07) of the request body of `POST /v1/events` for this type. */
  schema: JsonSchema;
}

/** The event catalogue, machine-readable: generated from the same classes ingest validates with. */
@RequireScopes('schemas:read')
@ApiTags('schemas')
@Controller('v1')
export class SchemasHttpController {
  private readonly entries: EventSchemaEntry[];
  private readonly asyncApi: Record<string, unknown>;

  constructor() {
    const schemas = eventJsonSchemas();
    this.entries = EVENT_CATALOGUE.map(({ type, schemaVersion, description }) => ({ type, schemaVersion, description, schema: schemas[type] }));
    this.asyncApi = asyncApiDocument();
  }

  @Get('schemas')
  @ApiOperation({ summary: 'Every event type ingest accepts, with its current schema version and JSON Schema' })
  @ApiOkResponse({ description: '[{ type, schemaVersion, description, schema }] in catalogue order' })
  list(): EventSchemaEntry[] {
    return this.entries;
  }

  @Get('schemas/:type')
  @ApiOperation({ summary: 'One event type: its current schema version, description and JSON Schema' })
  @ApiParam({ name: 'type', enum: [...CUSTOMER_EVENT_TYPES], example: 'crm.order.completed' })
  @ApiOkResponse({ description: '{ type, schemaVersion, description, schema }' })
  @ApiNotFoundResponse({ description: 'Not a type in the catalogue' })
  one(@Param('type') type: string): EventSchemaEntry {
    const entry = findEventType(type) && this.entries.find((e) => e.type === type);
    if (!entry) throw new NotFoundException(`unknown event type ${type}; known: ${CUSTOMER_EVENT_TYPES.join(', ')}`);
    return entry;
  }

  @Get('asyncapi')
  @ApiOperation({ summary: 'AsyncAPI 3.0 document of the platform topics (crm.ingest.v1, crm.customer-events.v1, dead letters, …)' })
  @ApiOkResponse({ description: 'The AsyncAPI document (JSON)' })
  asyncapi(): Record<string, unknown> {
    return this.asyncApi;
  }
}
