// The local classifier's lexicons: a stand-in for Bedrock's content-filter models, not a copy of
// them. Each category lists terms by the confidence Bedrock would report for them; a filter of
// strength HIGH blocks LOW, MEDIUM and HIGH confidence, MEDIUM blocks MEDIUM and HIGH, LOW blocks
// HIGH only, NONE nothing (as Bedrock's strengths work). Terms match whole words, case-insensitive,
// with a plural or verb ending (s, es, ed, ing). Small on purpose: tests block by using them; the
// local story engine's stories never contain them (emulator/test/bedrock-runtime/guardrails.test.ts).
import type { FilterType } from './config';

export type Confidence = 'LOW' | 'MEDIUM' | 'HIGH';

export const FILTER_LEXICON: Readonly<Record<FilterType, Readonly<Record<Confidence, readonly string[]>>>> = {
  HATE: {
    HIGH: ['subhuman', 'ethnic cleansing', 'inferior race', 'exterminate them all'],
    MEDIUM: ['vermin people', 'go back to your country', 'hate those people'],
    LOW: ['bigot', 'stereotype'],
  },
  INSULTS: {
    HIGH: ['worthless scum', 'pathetic loser', 'disgusting pig'],
    MEDIUM: ['moron', 'imbecile', 'nitwit'],
    LOW: ['dimwit', 'crybaby', 'dumbo'],
  },
  SEXUAL: {
    HIGH: ['explicit sex', 'pornographic', 'orgasm'],
    MEDIUM: ['naked body', 'seduce', 'sexy'],
    LOW: ['undress', 'lingerie', 'flirt'],
  },
  VIOLENCE: {
    HIGH: ['behead', 'dismember', 'massacre', 'disembowel'],
    MEDIUM: ['stab', 'strangle', 'bloodbath', 'slaughter'],
    LOW: ['punch', 'gunfight', 'wound'],
  },
  MISCONDUCT: {
    HIGH: ['build a bomb', 'cook meth', 'launder money'],
    MEDIUM: ['shoplift', 'hack into', 'counterfeit'],
    LOW: ['pickpocket', 'vandalize', 'sneak out'],
  },
  PROMPT_ATTACK: {
    HIGH: ['ignore all previous instructions', 'ignore previous instructions', 'disregard your instructions'],
    MEDIUM: ['jailbreak', 'developer mode', 'you are now dan'],
    LOW: ['pretend you have no rules', 'reveal your system prompt'],
  },
};

/** The managed PROFANITY list's stand-in: a few common English profanities. */
export const PROFANITY = ['damn', 'crap', 'shit', 'fuck', 'bastard', 'bollocks', 'arse'];

/** Words too common to say anything about a denied topic. */
export const TOPIC_STOPWORDS = new Set(
  (
    'about after also another asking because been before being between character characters does doing ' +
    'each even every from gives have having here inside into just like make making more most much only ' +
    'other over reader some someone something story stories such than that their them then there these ' +
    'they thing this those through very were what when where which while will with without would write your'
  ).split(' '),
);
