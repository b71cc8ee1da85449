// Entry point that the extension host loads (extensionTestsPath): the classic mocha runner.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { CountingReporter } from '../reporter';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 20_000, reporter: CountingReporter });
  const grep = process.env.STORYTELLER_GREP;
  if (grep) mocha.grep(grep);
  for (const entry of readdirSync(__dirname, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.test.js')) mocha.addFile(join(entry.parentPath, entry.name));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed.`)) : resolve()));
  });
}
