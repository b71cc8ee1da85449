// One line per check: ✓ passed, ✗ failed (with one sentence saying what to do), – skipped (with
// why). `--json` prints the same list for CI.

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  /** A stable code, e.g. `appClient.flows` or `model:amazon.nova-lite-v1:0`; never a sentence. */
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  /** What was seen (a pass's detail, a failure's cause, a skip's reason). */
  readonly detail?: string;
  /** A failure's next step: the console page or the parameter to change. */
  readonly fix?: string;
}

export const pass = (id: string, title: string, detail?: string): CheckResult => ({
  id,
  title,
  status: 'pass',
  ...(detail ? { detail } : {}),
});
export const fail = (id: string, title: string, detail: string, fix: string): CheckResult => ({
  id,
  title,
  status: 'fail',
  detail,
  fix,
});
export const skip = (id: string, title: string, reason: string): CheckResult => ({
  id,
  title,
  status: 'skip',
  detail: reason,
});

const MARK: Record<CheckStatus, string> = { pass: '✓', fail: '✗', skip: '–' };

/** `✓ title: detail`, `✗ title: detail` + `  → fix`, `– title: skipped, reason`. */
export function formatLine(r: CheckResult): string {
  const head = `${MARK[r.status]} ${r.title}`;
  if (r.status === 'skip') return `${head}: skipped, ${r.detail ?? ''}`;
  const line = r.detail ? `${head}: ${r.detail}` : head;
  return r.status === 'fail' && r.fix ? `${line}\n    → ${r.fix}` : line;
}

export function summary(results: readonly CheckResult[]): string {
  const n = (s: CheckStatus) => results.filter((r) => r.status === s).length;
  return `${n('pass')} passed, ${n('fail')} failed, ${n('skip')} skipped`;
}

/** Exit status 0 only when no check failed (a skipped check is not a failure). */
export const allPassed = (results: readonly CheckResult[]): boolean => results.every((r) => r.status !== 'fail');

/** A short text of any error: its AWS name and message, never a stack. */
export function describeError(e: unknown): string {
  const err = e as { name?: unknown; message?: unknown } | null;
  const name = typeof err?.name === 'string' ? err.name : 'Error';
  const message = typeof err?.message === 'string' ? err.message : String(e);
  return message && message !== name ? `${name}: ${message}` : name;
}
