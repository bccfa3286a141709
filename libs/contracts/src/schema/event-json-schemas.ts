import type { MetadataStorage as ClassTransformerMetadataStorage } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import type { ISchemaConverters } from 'class-validator-jsonschema/build/defaultConverters';
import { EVENT_CATALOGUE, findEventType } from '../events/event-catalogue';
import { IS_SCORE_FOR_KIND } from '../events/survey-answered.event';
import { EventIdentity, IngestEventRequest } from '../validation/ingest-event.request';
import { nestedTypeOf } from '../validation/nested-type';
import { IS_STRING_RECORD, type StringRecordLimits } from '../validation/string-record';

/**
 * What class-validator-jsonschema asks class-transformer's metadata storage, answered from
 * `@NestedType` (see there why not from class-transformer's own storage).
 */
const nestedTypeStorage = {
  findTypeMetadata: (target: new () => object, propertyName: string) => {
    const nested = nestedTypeOf(target, propertyName);
    return nested ? { target, propertyName, typeFunction: () => nested, reflectedType: undefined, options: {} } : undefined;
  },
  getExposedMetadatas: () => [],
  findExcludeMetadata: () => undefined,
} as unknown as ClassTransformerMetadataStorage;

/** A JSON Schema (draft-07) document or sub-schema. */
export type JsonSchema = Record<string, unknown>;

export const JSON_SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';

/**
 * Rules class-validator-jsonschema has no default for (validator.js-backed or our own): the JSON
 * Schema form is the closest portable check; class-validator stays the judge at ingest.
 */
const ADDITIONAL_CONVERTERS: ISchemaConverters = {
  isISO4217CurrencyCode: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217 currency code' },
  isISO31661Alpha2: { type: 'string', pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2 country code' },
  // draft-07 names it `uri` (class-validator-jsonschema's default, `url`, is not a draft-07 format)
  isURL: { type: 'string', format: 'uri' },
  isPhoneNumber: { type: 'string', pattern: '^\\+[0-9][0-9 ().-]{3,30}$', description: 'international phone number, e.g. +49 30 1234567' },
  [IS_STRING_RECORD]: (meta) => {
    const limits = meta.constraints[0] as StringRecordLimits;
    return {
      type: 'object',
      maxProperties: limits.maxEntries,
      propertyNames: { minLength: 1, maxLength: limits.maxKeyLength },
      additionalProperties: { type: 'string', maxLength: limits.maxValueLength },
    };
  },
  [IS_SCORE_FOR_KIND]: { type: 'integer', minimum: 0, maximum: 10 },
};

type Ctor = new () => object;

const optionsFor = (refPointerPrefix: string): Parameters<typeof targetConstructorToSchema>[1] => ({
  refPointerPrefix,
  additionalConverters: ADDITIONAL_CONVERTERS,
  classTransformerMetadataStorage: nestedTypeStorage,
});

/** The class and every class nested in it (through `@ValidateNested` + `@Type`). */
function classClosure(root: Ctor, found = new Map<string, Ctor>()): Map<string, Ctor> {
  const existing = found.get(root.name);
  if (existing && existing !== root) throw new Error(`two contract classes are named ${root.name}`);
  if (existing) return found;
  found.set(root.name, root);
  const metas = getMetadataStorage().getTargetValidationMetadatas(root, '', true, false);
  for (const meta of metas.filter((m) => m.type === ValidationTypes.NESTED_VALIDATION)) {
    const nested = nestedTypeOf(root, meta.propertyName);
    if (!nested) throw new Error(`${root.name}.${meta.propertyName} is @ValidateNested without @NestedType(() => Class)`);
    classClosure(nested, found);
  }
  return found;
}

/**
 * Class schemas from class-validator metadata, keyed by class name, with `$ref`s under `refPrefix`.
 * Every class is closed (`additionalProperties: false`): ingest validates with `whitelist` and
 * `forbidNonWhitelisted`, so an unknown field is an error there too.
 */
export function classSchemas(classes: Iterable<Ctor>, refPrefix: string): Record<string, JsonSchema> {
  const all = new Map<string, Ctor>();
  for (const c of classes) classClosure(c, all);
  const out: Record<string, JsonSchema> = {};
  for (const [name, ctor] of [...all].sort(([a], [b]) => a.localeCompare(b))) {
    const schema = targetConstructorToSchema(ctor, optionsFor(refPrefix)) as JsonSchema;
    out[name] = { ...schema, additionalProperties: false };
  }
  return out;
}

/** Names the data class of `type` and every class it nests (for `definitions`/`components`). */
export const dataClassNames = (type: string): string[] => {
  const definition = findEventType(type);
  return definition ? [...classClosure(definition.dataClass).keys()].sort() : [];
};

/**
 * The request an integrator sends for one type (the body of `POST /v1/events`, the value on
 * `crm.ingest.v1`): envelope fields from `IngestEventRequest`, `type` fixed, `data` the type's class.
 */
export function requestSchemaFor(type: string, refPrefix: string): JsonSchema {
  const definition = findEventType(type);
  if (!definition) throw new Error(`unknown event type ${type}`);
  const request = targetConstructorToSchema(IngestEventRequest, optionsFor(refPrefix)) as JsonSchema;
  const properties = { ...(request.properties as Record<string, JsonSchema>) };
  properties['type'] = { type: 'string', const: type };
  properties['data'] = { $ref: `${refPrefix}${definition.dataClass.name}` };
  return {
    title: type,
    description: `${definition.description} (schema version ${definition.schemaVersion})`,
    type: 'object',
    required: request.required,
    properties,
    // exactly one names the customer (class-validator: `validateCustomerEvent`)
    oneOf: [{ required: ['customerId'] }, { required: ['identity'] }],
    additionalProperties: false,
  };
}

/** Classes the request itself nests (outside `data`): their schemas go next to the data classes'. */
export const REQUEST_NESTED_CLASSES: readonly Ctor[] = [EventIdentity];

let cache: Record<string, JsonSchema> | undefined;

function build(): Record<string, JsonSchema> {
  const prefix = '#/definitions/';
  const out: Record<string, JsonSchema> = {};
  for (const definition of EVENT_CATALOGUE) {
    const definitions = classSchemas([definition.dataClass, ...REQUEST_NESTED_CLASSES], prefix);
    out[definition.type] = {
      $schema: JSON_SCHEMA_DIALECT,
      $id: `urn:crm:event:${definition.type}:v${definition.schemaVersion}`,
      ...requestSchemaFor(definition.type, prefix),
      definitions,
    };
  }
  return out;
}

/**
 * One self-contained JSON Schema (draft-07) per catalogue type, generated from the same
 * class-validator classes ingest validates with; keys in catalogue order. Returns a fresh copy.
 */
export function eventJsonSchemas(): Record<string, JsonSchema> {
  cache ??= build();
  return structuredClone(cache);
}

/** The JSON Schema of one type, or undefined for a type outside the catalogue. */
export const eventJsonSchema = (type: string): JsonSchema | undefined => (findEventType(type) ? eventJsonSchemas()[type] : undefined);
