// What the emulator remembers, and its optional persistence (--state DIR): users, refresh
// tokens, the signing key and client secrets survive a restart; sessions and credentials do not.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SrpVerifier } from './srp';
import type { SigningKey } from './tokens';

export type UserStatus = 'UNCONFIRMED' | 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD' | 'RESET_REQUIRED' | 'EXTERNAL_PROVIDER';

export interface PendingCode {
  code: string;
  expires: number;
  attempts: number;
}

export interface User {
  username: string;
  attributes: Record<string, string>;
  status: UserStatus;
  enabled: boolean;
  passwordHash: string;
  srp: SrpVerifier;
  created: number;
  modified: number;
  temporaryPasswordExpires?: number;
  confirmation?: PendingCode;
  reset?: PendingCode;
  totpSecret?: string;
  pendingTotpSecret?: string;
  totpEnabled: boolean;
  failedSignIns: number;
}

export interface RefreshRecord {
  token: string;
  username: string;
  clientId: string;
  originJti: string;
  authTime: number;
  expires: number;
  revoked: boolean;
  /** OAuth scopes granted through managed login; absent for the API's sign-in. */
  scopes?: string[];
}

export interface PersistentState {
  version: 1;
  signingKey: SigningKey;
  clientSecrets: Record<string, string>;
  users: Record<string, User>;
  refreshTokens: Record<string, RefreshRecord>;
}

const FILE = 'emulator-state.json';

export class StateStore {
  private scheduled = false;

  constructor(
    readonly data: PersistentState,
    private readonly dir: string | null,
  ) {}

  static open(dir: string | null, fresh: () => PersistentState): StateStore {
    if (dir && existsSync(join(dir, FILE))) {
      const loaded = JSON.parse(readFileSync(join(dir, FILE), 'utf8')) as PersistentState;
      if (loaded.version === 1) return new StateStore(loaded, dir);
    }
    const store = new StateStore(fresh(), dir);
    store.flush();
    return store;
  }

  /** Coalesces the writes of one turn of the event loop. */
  changed(): void {
    if (!this.dir || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  flush(): void {
    if (!this.dir) return;
    mkdirSync(this.dir, { recursive: true });
    const tmp = join(this.dir, `${FILE}.tmp`);
    // The file holds the signing key and client secrets, so only the owner may read it.
    writeFileSync(tmp, JSON.stringify(this.data, null, 1), { mode: 0o600 });
    renameSync(tmp, join(this.dir, FILE));
  }
}
