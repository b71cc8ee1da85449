// What Cognito would have e-mailed: confirmation, reset and invitation codes, kept for tests
// and printed for people.
export interface OutboxMessage {
  to: string;
  kind: 'confirmation' | 'reset' | 'invitation' | 'verification';
  code: string;
  at: string;
}

export class Outbox {
  readonly messages: OutboxMessage[] = [];

  constructor(private readonly log: (line: string) => void) {}

  send(to: string, kind: OutboxMessage['kind'], code: string, at: number): void {
    this.messages.push({ to, kind, code, at: new Date(at).toISOString() });
    this.log(`outbox: ${kind} code for ${to}: ${code}`);
  }

  list(to: string | null): OutboxMessage[] {
    const want = to?.toLowerCase();
    return want ? this.messages.filter((m) => m.to.toLowerCase() === want) : this.messages;
  }
}
