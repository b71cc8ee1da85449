import type { Rule } from 'eslint';

export declare const noFutureDate: Rule.RuleModule;
