/** Where a subscriber remembers the last global position it has fully handled. */
export interface CheckpointStore {
  load(name: string): Promise<bigint | undefined>;
  save(name: string, position: bigint): Promise<void>;
  close(): Promise<void>;
}
