import { Type } from 'class-transformer';

type Ctor = new () => object;
/** Any class (constructor), as decorators see it. */
type AnyClass = abstract new (...args: never[]) => unknown;

const nestedTypes = new Map<unknown, Map<string, () => Ctor>>();

/**
 * class-transformer's `@Type(() => Item)` that also records the nested class for the JSON Schema
 * generator. (class-transformer keeps its own record in a module it does not export; a deep import
 * of it is bundled as a second, empty copy by the services' webpack build.)
 */
export function NestedType(typeFunction: () => Ctor): PropertyDecorator {
  const transform = Type(typeFunction);
  return (target, propertyKey) => {
    transform(target, propertyKey as string);
    const byProperty = nestedTypes.get(target.constructor) ?? new Map<string, () => Ctor>();
    byProperty.set(String(propertyKey), typeFunction);
    nestedTypes.set(target.constructor, byProperty);
  };
}

/** The nested class recorded by `@NestedType` for `target.property`, walking up the class chain. */
export function nestedTypeOf(target: AnyClass, property: string): Ctor | undefined {
  for (let t: unknown = target; typeof t === 'function' && t !== Function.prototype; t = Object.getPrototypeOf(t)) {
    const found = nestedTypes.get(t)?.get(property);
    if (found) return found();
  }
  return undefined;
}
