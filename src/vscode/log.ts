import * as vscode from 'vscode';
import { redact } from '../core/redact';

/** The extension's log channel. Every line passes through `redact`, so no secret reaches it. */
export class Log implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Bedrock Storyteller', { log: true });
  private readonly secrets = new Set<string>();

  /** Values to mask wherever they appear, e.g. a client secret once it is read. */
  addSecret(value: string): void {
    this.secrets.add(value);
  }

  info(message: string): void {
    this.channel.info(redact(message, this.secrets));
  }

  warn(message: string): void {
    this.channel.warn(redact(message, this.secrets));
  }

  error(message: string, error?: unknown): void {
    const detail =
      error instanceof Error ? `: ${error.name}: ${error.message}` : error === undefined ? '' : `: ${String(error)}`;
    this.channel.error(redact(message + detail, this.secrets));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
