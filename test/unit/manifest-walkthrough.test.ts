import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { readManifest } from '../support/manifest';

const root = join(__dirname, '../..');

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: unknown; svg?: string; altText?: string };
  completionEvents?: string[];
}
interface Walkthrough {
  id: string;
  title: string;
  description: string;
  steps: Step[];
}

const manifest = readManifest();
const walkthroughs: Walkthrough[] = manifest.contributes.walkthroughs ?? [];
const commands = new Set<string>(manifest.contributes.commands.map((c: { command: string }) => c.command));

/** Targets of `command:` links, without arguments (`command:id?[...]`) or the `toSide:` prefix. */
function commandLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\(command:(?:toSide:)?([\w.-]+)/g)].map((m) => m[1]!);
}

describe('manifest: walkthrough', () => {
  it('contributes storyteller.gettingStarted with four steps', () => {
    const w = walkthroughs.find((x) => x.id === 'storyteller.gettingStarted');
    assert.ok(w, 'walkthrough storyteller.gettingStarted is missing');
    assert.equal(w.title, 'Get started with Bedrock Storyteller');
    assert.ok(w.description.length > 20, 'the walkthrough needs a description');
    assert.equal(w.steps.length, 4);
  });

  it('has unique walkthrough and step ids', () => {
    const ids = walkthroughs.map((w) => w.id);
    assert.deepEqual(ids, [...new Set(ids)]);
    for (const w of walkthroughs) {
      const stepIds = w.steps.map((s) => s.id);
      assert.deepEqual(stepIds, [...new Set(stepIds)], `duplicate step id in ${w.id}`);
    }
  });

  for (const w of walkthroughs) {
    for (const step of w.steps) {
      describe(`step ${step.id}`, () => {
        it('has a title, a description and a non-empty markdown file under media/walkthrough/ (which ships)', () => {
          assert.ok(step.title.trim(), 'title is empty');
          assert.ok(step.description.trim(), 'description is empty');
          const md = step.media.markdown;
          assert.ok(md, 'media.markdown is missing');
          // media/** is what .vscodeignore ships; anything else would be missing from the vsix.
          assert.ok(normalize(md).startsWith('media/walkthrough/'), `${md} is not under media/walkthrough/`);
          const file = join(root, md);
          assert.ok(existsSync(file), `${md} does not exist`);
          assert.ok(statSync(file).size > 0, `${md} is empty`);
          assert.ok(readFileSync(file, 'utf8').trim().length > 0, `${md} is blank`);
        });

        it('links only to contributed commands, in its description and its markdown', () => {
          const text =
            step.description +
            '\n' +
            (step.media.markdown ? readFileSync(join(root, step.media.markdown), 'utf8') : '');
          const unknown = commandLinks(text).filter((c) => !commands.has(c));
          assert.deepEqual(unknown, [], `links to commands that package.json does not contribute`);
        });

        it('completes on events that name contributed commands and settings', () => {
          const events = step.completionEvents ?? [];
          assert.ok(events.length > 0, 'no completionEvents: the step could never be checked off');
          const settings = manifest.contributes.configuration.properties;
          for (const event of events) {
            const [kind, arg] = event.split(/:(.*)/s) as [string, string | undefined];
            if (kind === 'onCommand') assert.ok(commands.has(arg!), `${event}: no such contributed command`);
            else if (kind === 'onSettingChanged') assert.ok(arg! in settings, `${event}: no such contributed setting`);
            else
              assert.ok(
                ['stepSelected', 'onLink', 'onView', 'onContext', 'extensionInstalled'].includes(kind),
                `${event}: unknown event`,
              );
          }
        });
      });
    }
  }

  it('the command link parser finds plain, toSide and argument links (so the checks above are not vacuous)', () => {
    assert.deepEqual(commandLinks('[a](command:x.y) [b](command:toSide:z) [c](command:q.r?%5B1%5D) [d](https://e)'), [
      'x.y',
      'z',
      'q.r',
    ]);
    const all = walkthroughs.flatMap((w) => w.steps).flatMap((s) => commandLinks(s.description));
    assert.ok(all.includes('storyteller.configureFromStack') && all.includes('storyteller.newStory'));
  });
});
