// The lint rule that keeps fixed future dates out of the tests (eslint/noFutureDate.cjs).
import { RuleTester } from 'eslint';
import { noFutureDate } from '../../../eslint/noFutureDate.cjs';

const tester = new RuleTester({ languageOptions: { ecmaVersion: 2022, sourceType: 'module' } });

describe('lint: no fixed future date in a test', () => {
  tester.run('no-future-date', noFutureDate, {
    valid: [
      'const resetsAt = Date.now() + 3 * 3_600_000;',
      "const now = Date.parse('2024-01-02T03:04:05Z');",
      'const at = Date.UTC(2020, 0, 1);',
      'const d = new Date(Date.UTC(2024, 0, 2));',
      'const d = new Date(0);',
      'const d = new Date(now + 1000);',
      'const u = Date.UTC(year, 0, 1);',
    ],
    invalid: [
      { code: 'const resetsAt = Date.UTC(9999, 11, 2);', errors: [{ messageId: 'future' }] },
      { code: "const at = Date.parse('9999-01-01T00:00:00Z');", errors: [{ messageId: 'future' }] },
      { code: "const at = new Date('9999-01-01');", errors: [{ messageId: 'future' }] },
      { code: 'const at = new Date(9999, 0, 1);', errors: [{ messageId: 'future' }] },
      { code: 'const at = new Date(253402300799000);', errors: [{ messageId: 'future' }] },
    ],
  });
});
