// A Prompter that answers from a script and records everything the extension said, so the auth
// commands run for real inside VS Code with no one typing.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { StorytellerApi } from '../../src/extension';
import type { InputOptions, InputResult, Prompter } from '../../src/vscode/auth/prompter';
import type { TestingApi } from '../../src/vscode/testing';

/** A fixed answer, or one computed from the prompt (e.g. a code read from the outbox). */
export type Answer = string | ((options: InputOptions) => Promise<string>);
/** Values the prompt must refuse, each with the exact inline message, before the real answer. */
export interface Rejecting {
  readonly rejects: readonly (readonly [value: string, message: string])[];
  readonly then: Answer;
}
/** Presses a button of the open box: one with its own action leaves the box open for the next answer. */
export interface Press {
  readonly press: string;
}
export type Scripted = Answer | Rejecting | Press;

export class ScriptedPrompter implements Prompter {
  readonly asked: InputOptions[] = [];
  readonly messages: { kind: string; message: string; actions: string[] }[] = [];
  /** Inline validation checks made: [prompt, value, expected, actual]. */
  readonly validated: [string, string, string, string | undefined][] = [];
  /** Answers the open box refused after Cognito checked them (it stayed open): [prompt, value, message]. */
  readonly refused: [string, string, string][] = [];
  /** Notes a button showed in the open box: [prompt, button, message]. */
  readonly notes: [string, string, string | undefined][] = [];

  constructor(
    private readonly answers: Scripted[],
    /** Picks an action button of a message, by message text. */
    private readonly pick: (message: string, actions: string[]) => string | undefined = () => undefined,
  ) {}

  async input(options: InputOptions): Promise<InputResult> {
    this.asked.push(options);
    for (;;) {
      let next = this.answers.shift();
      if (next === undefined) return undefined;
      if (typeof next === 'object' && 'press' in next) {
        const id = next.press;
        const button =
          options.buttons?.find((b) => b.id === id) ?? assert.fail(`"${options.prompt}" has no button ${id}`);
        if (!button.onPress) return { button: button.id };
        this.notes.push([options.prompt, button.id, (await button.onPress())?.message]);
        continue;
      }
      if (typeof next === 'object') {
        for (const [value, expected] of next.rejects)
          this.validated.push([options.prompt, value, expected, options.validate?.(value)]);
        next = next.then;
      }
      const value = typeof next === 'function' ? await next(options) : next;
      const problem = options.validate?.(value);
      if (problem)
        throw new Error(`The scripted answer "${value}" to "${options.prompt}" fails validation: ${problem}`);
      const refusal = await options.accept?.(value);
      if (refusal === undefined) return value;
      // The box stays open with Cognito's answer: the next scripted answer is typed into it.
      this.refused.push([options.prompt, value, refusal]);
    }
  }

  async message(
    kind: 'info' | 'warning' | 'error',
    message: string,
    ...actions: string[]
  ): Promise<string | undefined> {
    this.messages.push({ kind, message, actions });
    return this.pick(message, actions);
  }

  progress<T>(_title: string, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return task(new AbortController().signal);
  }

  errors(): string[] {
    return this.messages.filter((m) => m.kind === 'error').map((m) => m.message);
  }

  warnings(): string[] {
    return this.messages.filter((m) => m.kind === 'warning').map((m) => m.message);
  }

  /** Every refused value got exactly the expected message. */
  assertValidation(): void {
    assert.deepEqual(
      this.validated.map(([prompt, value, , actual]) => [prompt, value, actual]),
      this.validated.map(([prompt, value, expected]) => [prompt, value, expected]),
    );
  }
}

export async function activate(): Promise<{ api: StorytellerApi; testing: TestingApi }> {
  const api = await vscode.extensions
    .getExtension<StorytellerApi>('bedrock-storyteller.bedrock-storyteller')!
    .activate();
  assert.ok(api.testing, 'the testing hooks exist in test mode');
  return { api, testing: api.testing };
}

/** Runs a command with a scripted prompter; returns the prompter to inspect. */
export async function script(
  testing: TestingApi,
  answers: Scripted[],
  command: string,
  pick?: ScriptedPrompter['pick'],
): Promise<ScriptedPrompter> {
  const prompter = new ScriptedPrompter(answers, pick);
  testing.usePrompter(prompter);
  await vscode.commands.executeCommand(command);
  return prompter;
}

/** Polls until `check` holds, or fails with `what`. */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
