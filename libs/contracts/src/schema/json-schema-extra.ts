import { JSONSchema } from 'class-validator-jsonschema';

/**
 * class-validator-jsonschema's `@JSONSchema`, typed for JSON Schema keywords its OpenAPI 3.0 types
 * lack (`if`/`then`, `dependencies`): merged into the generated schema of the class or property.
 */
export const JsonSchemaExtra = (schema: Record<string, unknown>): ClassDecorator & PropertyDecorator =>
  JSONSchema(schema as unknown as Parameters<typeof JSONSchema>[0]) as ClassDecorator & PropertyDecorator;
