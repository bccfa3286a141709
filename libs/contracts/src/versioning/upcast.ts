import type { EventEnvelope } from '../envelope/event-envelope';
import { findEventType } from '../events/event-catalogue';
import { PROFILE_UPDATED, type ProfileUpdatedData, type ProfileUpdatedDataV1 } from '../events/profile-updated.event';

/** Turns the `data` of version N into version N + 1. Pure: never mutates its input. */
export type DataUpcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/** v1 → v2: `email` and `phone` moved from the top level into `contact`. */
export function profileUpdatedV1ToV2(data: Record<string, unknown>): Record<string, unknown> {
  const { email, phone, ...rest } = data as ProfileUpdatedDataV1 & Record<string, unknown>;
  const contact: ProfileUpdatedData['contact'] = {
    ...(email !== undefined ? { email } : {}),
    ...(phone !== undefined ? { phone } : {}),
  };
  return Object.keys(contact).length > 0 ? { ...rest, contact } : { ...rest };
}

/** Per type, the step from each old version to the next one. A new version adds one entry here. */
const UPCASTERS: Readonly<Record<string, Readonly<Record<number, DataUpcaster>>>> = {
  [PROFILE_UPDATED]: { 1: profileUpdatedV1ToV2 },
};

/** The schema version ingest stamps today for `type`, or undefined for a type not in the catalogue. */
export const currentSchemaVersion = (type: string): number | undefined => findEventType(type)?.schemaVersion;

/**
 * Brings a stored envelope up to the current schema version of its type, one step at a time.
 * Pure; keeps the stored `type`, `id`, `time` and ids, and bumps `schemaVersion`. Envelopes that
 * are already current, newer than this code knows, or of a type outside the catalogue are returned
 * as they are. A missing step between two known versions is a programming error and throws.
 */
export function upcast<T extends EventEnvelope = EventEnvelope>(envelope: EventEnvelope): T {
  const current = currentSchemaVersion(envelope.type);
  if (current === undefined || envelope.schemaVersion >= current) return envelope as T;
  let data = envelope.data as Record<string, unknown>;
  let version = envelope.schemaVersion;
  while (version < current) {
    const step = UPCASTERS[envelope.type]?.[version];
    if (!step) throw new Error(`no upcaster for ${envelope.type} from schema version ${version} to ${version + 1}`);
    data = step(data);
    version += 1;
  }
  return { ...envelope, schemaVersion: version, data } as T;
}
