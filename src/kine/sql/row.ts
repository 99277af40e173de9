/** A row of kine's table as every dialect's log reads and writes it (id = revision). */

export interface Row {
  readonly id: number;
  readonly name: string;
  readonly created: number;
  readonly deleted: number;
  readonly create_revision: number;
  readonly prev_revision: number;
  readonly lease: number;
  readonly value: Buffer | null;
  readonly old_value: Buffer | null;
  readonly version: number | null;
}

export interface NewRow {
  readonly name: string;
  readonly created: boolean;
  readonly deleted: boolean;
  readonly createRevision: number;
  readonly prevRevision: number;
  readonly lease: number;
  readonly value: Buffer | null;
  readonly oldValue: Buffer | null;
  /** Stored in kine_key_version when not undefined. */
  readonly version: number | undefined;
}
