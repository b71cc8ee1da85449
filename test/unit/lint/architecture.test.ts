// The lint rules that keep the architecture (eslint.config.mjs), run with the repository's own
// config: an import cycle anywhere, and a webview file importing the host's code.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const root = join(__dirname, '../../..');

async function ruleIds(files: string[]): Promise<string[]> {
  // The fixtures are ignored by `eslint .`: they break the rules on purpose.
  const eslint = new ESLint({ cwd: root, ignore: false });
  const results = await eslint.lintFiles(files);
  return results.flatMap((r) => r.messages.map((m) => m.ruleId ?? m.message));
}

describe('lint: architecture', function () {
  this.timeout(60_000);

  it('finds an import cycle', async () => {
    const ids = await ruleIds(['test/unit/lint/fixtures/cycle/a.ts', 'test/unit/lint/fixtures/cycle/b.ts']);
    assert.deepEqual(ids, ['import-x/no-cycle', 'import-x/no-cycle']);
  });

  it('keeps the webview to the shared protocol', async () => {
    const eslint = new ESLint({ cwd: root });
    const lint = async (code: string) =>
      (await eslint.lintText(code, { filePath: join(root, 'webview/story/probe.ts') }))[0]!.messages.map(
        (m) => m.ruleId,
      );
    assert.deepEqual(
      await lint("import { SYSTEM_PROMPT } from '../../src/core/story/prompt';\nexport const x = SYSTEM_PROMPT;\n"),
      ['no-restricted-imports'],
    );
    assert.deepEqual(
      await lint("import { LIMITS } from '../../src/core/story/protocol/limits';\nexport const x = LIMITS;\n"),
      [],
    );
  });
});
