// The command ids in src/vscode/commandIds.ts and package.json's contributes.commands are one
// list: every contributed command has an id and every id is contributed, and the source names
// commands only through COMMANDS, so a typo cannot become a command that silently does nothing.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { COMMANDS } from '../../src/vscode/commandIds';

const root = join(__dirname, '../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  activationEvents?: string[];
  contributes: {
    commands: { command: string }[];
    menus?: Record<string, { command: string }[]>;
    walkthroughs?: { steps: { completionEvents?: string[] }[] }[];
  };
};
const declared = manifest.contributes.commands.map((c) => c.command);
const ids: string[] = Object.values(COMMANDS);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('command ids', () => {
  it('every contributed command has an id in COMMANDS', () => {
    const missing = declared.filter((command) => !ids.includes(command));
    assert.deepEqual(missing, [], 'add these to src/vscode/commandIds.ts');
  });

  it('every id in COMMANDS is contributed in package.json, once', () => {
    const undeclared = ids.filter((id) => !declared.includes(id));
    assert.deepEqual(undeclared, [], "add these to package.json's contributes.commands");
    assert.equal(new Set(declared).size, declared.length, 'a command is contributed twice');
    assert.equal(new Set(ids).size, ids.length, 'two keys of COMMANDS name one command');
  });

  it("names each command after its key (COMMANDS.signIn is 'storyteller.signIn')", () => {
    for (const [key, id] of Object.entries(COMMANDS)) assert.equal(id, `storyteller.${key}`);
  });

  it('menus, activation events and walkthrough steps name only contributed commands', () => {
    const menuCommands = Object.values(manifest.contributes.menus ?? {}).flatMap((items) =>
      items.map((i) => i.command),
    );
    const events = [
      ...(manifest.activationEvents ?? []),
      ...(manifest.contributes.walkthroughs ?? []).flatMap((w) => w.steps.flatMap((s) => s.completionEvents ?? [])),
    ];
    const onCommand = events.filter((e) => e.startsWith('onCommand:')).map((e) => e.slice('onCommand:'.length));
    for (const command of [...menuCommands, ...onCommand])
      assert.ok(declared.includes(command), `${command} is not contributed`);
    assert.ok(menuCommands.length + onCommand.length > 0, 'the manifest names commands outside contributes');
  });

  it('the source names commands only through COMMANDS, and registers them in one place', () => {
    const bare: string[] = [];
    const registrations: string[] = [];
    for (const file of sources(join(root, 'src'))) {
      const text = readFileSync(file, 'utf8');
      const name = relative(root, file);
      if (!name.endsWith('commandIds.ts'))
        for (const id of ids) if (text.includes(`'${id}'`) || text.includes(`"${id}"`)) bare.push(`${name}: ${id}`);
      if (text.includes('registerCommand(')) registrations.push(name);
    }
    assert.deepEqual(bare, [], 'use COMMANDS.<name> from src/vscode/commandIds.ts');
    // extension.ts registers one handler per CommandId (a Record, so a missing one does not compile).
    assert.deepEqual(registrations, [join('src', 'extension.ts')]);
  });
});
