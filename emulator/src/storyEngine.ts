// The local story engine that stands in for a Bedrock model. It is not a language model: it
// picks the characters, setting and genre out of the prompt and weaves them through story
// templates, with a random generator seeded by the whole request, so the same request always
// gives the same story and different requests give different ones.
import { createHash } from 'node:crypto';
import { projectReply } from './chapterTasks';

export interface StoryRequest {
  /** Every input text (system prompts and all messages), for the token count and the seed. */
  inputTexts: string[];
  /** The user's words, which decide what the story is about. */
  prompt: string;
  maxTokens: number;
  stopSequences: string[];
  /** Anything else that should change the story when it changes (model id, temperature). */
  seedExtra: string;
  /** The last user message alone: what a story project's continuation continues. */
  lastUserText?: string;
}

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence';

export interface StoryResult {
  /** The output split into tokens; joining them gives `text`. */
  tokens: string[];
  text: string;
  stopReason: StopReason;
  stopSequence: string | null;
  inputTokens: number;
  outputTokens: number;
}

const TOKEN_RE = /\s*[\p{L}\p{N}'’]+|\s*[^\p{L}\p{N}\s]|\s+$/gu;

/** Roughly one token per word or punctuation mark, like a real tokenizer's order of magnitude. */
export function tokenize(text: string): string[] {
  return text.match(TOKEN_RE) ?? [];
}

export function countTokens(texts: string[]): number {
  return texts.reduce((n, t) => n + tokenize(t).length, 0);
}

function rng(seed: string): () => number {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    // mulberry32
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Genre = 'mystery' | 'fantasy' | 'science fiction' | 'ghost story' | 'adventure' | 'bedtime' | 'romance' | 'fable';

const GENRE_WORDS: [Genre, RegExp][] = [
  ['mystery', /\b(myster\w*|detective|clue|whodunit|sleuth|missing|stolen|thief)\b/i],
  [
    'science fiction',
    /\b(space|robot\w*|planet|alien|sci-?fi|starship|spaceship|galaxy|mars|moon base|android|future)\b/i,
  ],
  ['ghost story', /\b(ghost\w*|haunt\w*|horror|spooky|scary|creepy|halloween|spirit)\b/i],
  [
    'fantasy',
    /\b(dragon\w*|wizard\w*|witch\w*|magic\w*|fantasy|knight\w*|enchant\w*|spell|elf|elves|fairy|kingdom)\b/i,
  ],
  ['romance', /\b(love|romance|romantic|sweetheart|wedding)\b/i],
  ['bedtime', /\b(bedtime|sleepy|lullaby|goodnight|good night|gentle)\b/i],
  ['adventure', /\b(adventure|pirate\w*|treasure|quest|explor\w*|journey|voyage|jungle|island)\b/i],
];

const ROLES = [
  'dragon',
  'robot',
  'cat',
  'dog',
  'fox',
  'knight',
  'wizard',
  'witch',
  'princess',
  'prince',
  'pirate',
  'astronaut',
  'detective',
  'ghost',
  'owl',
  'rabbit',
  'bear',
  'mouse',
  'girl',
  'boy',
  'baker',
  'sailor',
  'inventor',
  'librarian',
  'farmer',
  'queen',
  'king',
  'lighthouse keeper',
  'gardener',
  'captain',
  'scientist',
  'explorer',
  'squirrel',
  'hedgehog',
  'otter',
  'giant',
  'troll',
  'unicorn',
];

const NAMES = [
  'Mara',
  'Tobin',
  'Elsie',
  'Rook',
  'Ada',
  'Pip',
  'Juniper',
  'Oskar',
  'Wren',
  'Basil',
  'Ines',
  'Milo',
  'Hazel',
  'Ferris',
];
const PLACES: Record<Genre, string[]> = {
  mystery: ['a fog-bound harbour town', 'an old hotel on the hill', 'a village where nothing ever happened'],
  fantasy: [
    'a kingdom at the edge of the map',
    'a forest where the trees kept secrets',
    'a castle built on a sleeping mountain',
  ],
  'science fiction': [
    'a space station above a blue planet',
    'a city on the far side of the moon',
    'a starship drifting between stars',
  ],
  'ghost story': [
    'a house at the end of Willow Lane',
    'a lighthouse no ship had passed in years',
    'an empty school after dark',
  ],
  adventure: ['a chain of islands nobody had charted', 'a jungle that hummed at night', 'a desert of singing dunes'],
  bedtime: ['a cosy cottage by a quiet river', 'a meadow under a sleepy moon', 'a little house at the top of a hill'],
  romance: ['a seaside town in late summer', 'a bookshop on a rainy street', 'a market square full of lanterns'],
  fable: ['a valley between two rivers', 'a busy farmyard', 'a wood where the animals held council'],
};
const OBJECTS: Record<Genre, string[]> = {
  mystery: ['a brass key', 'a torn letter', 'a muddy footprint', 'a stopped clock'],
  fantasy: ['a glowing stone', 'a silver feather', 'a map that redrew itself', 'an old spellbook'],
  'science fiction': [
    'a blinking signal',
    'a cracked data crystal',
    'a message from another ship',
    'a broken star chart',
  ],
  'ghost story': [
    'a cold draught',
    'a candle that would not stay lit',
    'a music box playing by itself',
    'a name scratched into the glass',
  ],
  adventure: ['a faded treasure map', 'a compass that pointed the wrong way', 'a rope bridge', 'a carved wooden chest'],
  bedtime: ['a soft blue blanket', 'a lantern full of fireflies', 'a small silver bell', 'a cup of warm milk'],
  romance: ['a forgotten umbrella', 'a handwritten note', 'a pressed flower', 'an old photograph'],
  fable: ['a golden acorn', 'a heavy basket', 'a shiny pebble', 'a borrowed cloak'],
};

const STOPWORDS = new Set(
  (
    'The A An And But Or So Then Once Write Tell Please Make Give Create Story Stories In On At Of To For With About Into From By ' +
    'It Its This That These Those There Their They He She We You Your I My Me Our Is Was Be Are Who What When Where Why How ' +
    'Short Long Funny Bedtime Kids Children One Two Three Title Chapter Continue Now Also Include Use Using Let Set Keep Add ' +
    'Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August September ' +
    'October November December Mr Mrs Ms Dr Sir Lady Lord Captain Professor'
  ).split(' '),
);

interface Cast {
  hero: string;
  role: string;
  companion: string;
  companionRole: string;
  place: string;
  object: string;
  genre: Genre;
}

/** A labelled line of the extension's brief ("Setting: A rocky island, late autumn"), if any. */
function briefField(prompt: string, label: string): string | undefined {
  return new RegExp(`^${label}:[ \\t]*(.+)$`, 'mi').exec(prompt)?.[1]?.trim() || undefined;
}

/** "A rocky island, late autumn" → "a rocky island": the place, ready for "in {P}". */
function placeOf(setting: string): string {
  const place = setting.split(/[,;.]/)[0]!.trim();
  return place.replace(/^(A|An|The)\b/, (article) => article.toLowerCase());
}

/** "Mara, the keeper; Gull, a talkative bird" → [["Mara", "keeper"], ["Gull", "talkative bird"]]. */
function castOf(characters: string): [name: string, role: string | undefined][] {
  const cast: [string, string | undefined][] = [];
  for (const entry of characters.split(/[;\n]|,\s*(?:and\s+)?(?=[A-Z])|\s+and\s+(?=[A-Z])/)) {
    const m = /^\s*([A-Z][\p{L}'-]*)(?:\s*[,(:-]\s*|\s+)?(?:(?:the|a|an)\s+)?([\p{Ll}][^)]*)?/u.exec(entry);
    if (!m) continue;
    // A few words: "{H} the {R}" must still read as a sentence.
    const role = m[2]
      ?.split(/\s+(?:who|that|which|with|from)\b/)[0]!
      .trim()
      .replace(/[).\s]+$/, '')
      .split(/\s+/)
      .slice(0, 4)
      .join(' ');
    cast.push([m[1]!, role || undefined]);
  }
  return cast;
}

function analyse(prompt: string, random: () => number): Cast {
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)] as T;
  const genre = GENRE_WORDS.find(([, re]) => re.test(prompt))?.[0] ?? 'fable';
  // The form's own fields come first: the story uses the setting and characters it was given (#24).
  const setting = briefField(prompt, 'Setting');
  const given = castOf(briefField(prompt, 'Characters') ?? '');
  const names: string[] = given.map(([name]) => name);
  for (const m of prompt.matchAll(/\b(?:named|called)\s+([A-Z][\p{L}'-]+)/gu))
    if (m[1] && !names.includes(m[1])) names.push(m[1]);
  // Not at a sentence or line start, and not a label such as "Tone:" in the extension's brief.
  for (const m of prompt.matchAll(/(?<![.!?]\s|^|\n)\b([A-Z][\p{Ll}'-]{2,})\b(?!:)/gu)) {
    const word = m[1] ?? '';
    if (!STOPWORDS.has(word) && !names.includes(word)) names.push(word);
  }
  const lower = prompt.toLowerCase();
  const roles = ROLES.filter((r) => new RegExp(`\\b${r}s?\\b`).test(lower)).sort(
    (a, b) => lower.indexOf(a) - lower.indexOf(b),
  );
  const settingMatch =
    /\b(?:in|on|at|inside|beneath|under|aboard|near|across)\s+((?:an?|the)\s+[\p{Ll}][\p{Ll}'-]+(?:\s+[\p{Ll}][\p{Ll}'-]*){0,2})(?=\s*[,.;:!?]|\s+(?:who|where|that|which|and|with|about|named|called|when|while|for)\b|\s*$)/u.exec(
      prompt,
    );
  const fallbackNames = NAMES.filter((n) => !names.includes(n));
  const hero = names[0] ?? pick(fallbackNames);
  const companion = names[1] ?? pick(fallbackNames.filter((n) => n !== hero));
  return {
    hero,
    role: given[0]?.[1] ?? roles[0] ?? pick(['traveller', 'dreamer', 'tinkerer', 'wanderer']),
    companion,
    companionRole: given[1]?.[1] ?? roles[1] ?? pick(['friend', 'neighbour', 'old companion', 'cousin']),
    place: (setting && placeOf(setting)) || settingMatch?.[1]?.trim() || pick(PLACES[genre]),
    object: pick(OBJECTS[genre]),
    genre,
  };
}

// Sentence templates by part of the story. {H} hero, {R} role, {C} companion, {CR} their role,
// {P} place, {O} object.
const OPENINGS = [
  'Once, in {P}, there lived a {R} named {H}.',
  'Nobody in {P} paid much attention to {H} the {R}, which suited {H} perfectly.',
  'The morning everything changed, {H} the {R} woke early in {P} with the feeling that something was waiting.',
  'In {P}, where the days usually passed quietly, {H} the {R} was known for asking one question too many.',
];
const SETUPS = [
  '{H} had a habit of collecting small, unremarkable things, and {C}, a {CR}, had a habit of asking why.',
  'Every evening {H} walked the same path and counted the same landmarks, as if making sure the world was still there.',
  'Most people thought {H} was dreamy, but {C} the {CR} knew better: {H} simply noticed what others missed.',
  'The two of them, {H} and {C}, had been friends for so long that they could argue without saying a word.',
];
const INCITING: Record<Genre, string[]> = {
  mystery: [
    'Then {O} turned up where it had no business being, and {H} could not leave it alone.',
    'When {O} went missing from its place, everyone had a theory, and none of them fitted.',
  ],
  fantasy: [
    'One night {O} began to glow, and a voice that was not quite a voice asked {H} for help.',
    'A messenger arrived with {O} and a warning: the old magic of {P} was fading.',
  ],
  'science fiction': [
    'Then the sensors picked up {O}, repeating a pattern no machine should know.',
    'The alarm was quiet, almost polite, when {O} appeared on every screen at once.',
  ],
  'ghost story': [
    'That was the night {H} first noticed {O}, and the house seemed to hold its breath.',
    'It began with {O}, small enough to ignore, until it happened again, and again.',
  ],
  adventure: [
    'Everything started with {O}, found wedged behind a loose board, smelling of salt and old secrets.',
    'When {O} fell out of a second-hand book, {H} knew the summer would not be ordinary.',
  ],
  bedtime: [
    'As the stars came out, {H} found {O} by the window, just where it had not been before.',
    'Before bed, {H} heard a tiny sound and discovered {O} waiting on the doorstep.',
  ],
  romance: [
    'It might never have happened at all if not for {O}, left behind on a rainy afternoon.',
    'Then {C} returned to {P} after many years, carrying {O} and a question.',
  ],
  fable: [
    'One day {O} appeared in the middle of the path, and every creature wanted it for themselves.',
    'When the harvest failed, {H} was given {O} and told to make it last.',
  ],
};
const MIDDLES = [
  '{H} asked {C} what it meant. "I think," said {C} slowly, "it means we should find out."',
  'They searched the edges of {P}, following clues that led in circles before they led anywhere at all.',
  'At first nothing went right. {H} took a wrong turn, then another, and {C} pretended not to be worried.',
  'The wind changed, carrying the smell of rain, and with it a sound {H} had been waiting to hear.',
  '"We could turn back," {C} offered. {H} looked at {O} and shook their head.',
  'By afternoon they had met three strangers, heard four stories, and believed perhaps half of one.',
  'Halfway there, {H} stopped to listen. The silence had a shape, and it was pointing the way.',
  'There were moments when {H} wanted to give up, but each time something small, a light, a footprint, a laugh, kept them going.',
  '{C} the {CR} proved braver than anyone expected, stepping forward just when {H} hesitated.',
  'They rested under a crooked tree and shared what little food they had, talking about everything except what frightened them.',
];
const TURNS: Record<Genre, string[]> = {
  mystery: [
    'Then {H} saw it: the answer had been hiding in plain sight, inside {O} all along.',
    'The truth, when it came, was smaller and sadder than anyone had guessed.',
  ],
  fantasy: [
    'At the heart of {P}, {H} spoke the words that no one had dared to say, and the old magic listened.',
    'The dragon of the story turned out not to be the danger at all, but the one thing keeping the danger away.',
  ],
  'science fiction': [
    'The signal was not a warning but a greeting, and it had been waiting a thousand years for someone to answer.',
    '{H} rewired the last panel with shaking hands, and the whole station hummed back to life.',
  ],
  'ghost story': [
    'The ghost, when at last it showed itself, only wanted someone to remember its name.',
    'In the candlelight {H} understood that the house had been trying to say goodbye.',
  ],
  adventure: [
    'Beneath the last marker they found not gold, but something better: proof that the old stories were true.',
    'The bridge held, just barely, and on the other side the whole of {P} lay open before them.',
  ],
  bedtime: [
    'And {O} began, very softly, to glow, the way a night-light does when it knows you are nearly asleep.',
    'The moon leaned closer to listen as {H} whispered goodnight to every star in turn.',
  ],
  romance: [
    'Under the lanterns, {H} finally said what had waited years to be said, and {C} laughed, because it was the same thing.',
    'The note in {O} had only five words on it, and they were enough.',
  ],
  fable: [
    'In the end, {H} shared {O} with everyone, and found that there was more than enough to go around.',
    'The proud ones went hungry, but {H}, who had listened, knew exactly what to do.',
  ],
};
const ENDINGS = [
  'When they came home to {P}, nothing looked different, and yet everything was.',
  'Years later, {H} would tell the story differently each time, but always with {C} in it.',
  'And if you ever visit {P}, you may still find {O}, waiting for the next person curious enough to look.',
  'That night {H} slept soundly, and the whole of {P} seemed to sleep a little easier too.',
];
const CLOSERS = ['The end.', 'And that was only the beginning.', 'Which is, after all, how the best stories end.'];

function fill(template: string, c: Cast): string {
  return (
    template
      .replaceAll('{H}', c.hero)
      .replaceAll('{R}', c.role)
      .replaceAll('{CR}', c.companionRole)
      .replaceAll('{C}', c.companion)
      .replaceAll('{P}', c.place)
      .replaceAll('{O}', c.object)
      // "a {CR}" may become "a old companion".
      .replace(/\b([Aa]) (?=[aeiou])/g, '$1n ')
  );
}

// Parts of further middle sentences: WHEN, then WHO did WHAT, then a DETAIL; 8 × 10 × 8 = 640.
const WHEN = [
  'Later that day,',
  'Before long,',
  'Near dusk,',
  'Some time after,',
  'Just before noon,',
  'On the second morning,',
  'While the light held,',
  'Without warning,',
];
const DEEDS = [
  '{H} found a path through {P} that no map showed',
  '{C} the {CR} noticed that {O} felt warmer than before',
  '{H} and {C} traded guesses about what {O} was for',
  '{H} wrote down everything they had seen so far',
  '{C} hummed a tune that {H} almost remembered',
  'a stranger asked {H} the way, then vanished before the answer',
  '{H} counted the steps back to where they had started',
  '{C} pointed out a door in {P} that had not been there yesterday',
  'the two of them climbed to the highest point of {P}',
  '{H} held {O} up to the light and saw a mark on it',
];
const DETAILS = [
  'and it changed how they saw the whole of {P}.',
  'though neither of them said so out loud.',
  'which was stranger than anything so far.',
  'and for a while that was enough.',
  'as if the day itself were listening.',
  'and {H} laughed for the first time in days.',
  'which made {C} more curious, not less.',
  'and the answer seemed a little closer.',
];

/** Middle sentences from WHEN × DEEDS × DETAILS, each at most once, in an order the seed decides. */
function composedMiddles(random: () => number): () => string {
  const used = new Set<number>();
  const size = WHEN.length * DEEDS.length * DETAILS.length;
  return () => {
    let n = Math.floor(random() * size);
    while (used.has(n)) n = (n + 1) % size;
    if (used.size < size) used.add(n);
    const when = WHEN[n % WHEN.length]!;
    const deed = DEEDS[Math.floor(n / WHEN.length) % DEEDS.length]!;
    const detail = DETAILS[Math.floor(n / (WHEN.length * DEEDS.length))]!;
    return `${when} ${deed}, ${detail}`;
  };
}

function targetLength(prompt: string): number {
  // "about 1,000 words": thousands separators are part of the number.
  const words = /(?<![\d,])(\d{1,3}(?:,\d{3})+|\d{2,5})\s*(?:-\s*)?words?\b/i.exec(prompt);
  if (words) return Math.min(4000, Math.max(30, Number(words[1]!.replaceAll(',', ''))));
  if (/\b(very short|tiny|brief|one paragraph)\b/i.test(prompt)) return 90;
  if (/\bshort\b/i.test(prompt)) return 220;
  if (/\b(long|epic|detailed)\b/i.test(prompt)) return 900;
  return 420;
}

/** Writes the full story text for a prompt; deterministic for a given seed. */
export function writeStory(prompt: string, seed: string): string {
  const random = rng(seed);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)] as T;
  const cast = analyse(prompt, random);
  const target = targetLength(prompt);
  // Never the same sentence twice (#24): the written middles first, then ones composed from parts.
  const unused = [...MIDDLES];
  const composed = composedMiddles(random);
  const takeMiddle = (): string =>
    unused.length > 0 ? (unused.splice(Math.floor(random() * unused.length), 1)[0] as string) : composed();
  const paragraphs: string[][] = [
    [pick(OPENINGS), pick(SETUPS)],
    [pick(INCITING[cast.genre]), takeMiddle()],
  ];
  const ending = [[pick(TURNS[cast.genre]), pick(ENDINGS)], [pick(CLOSERS)]];
  const length = (): number => countTokens([...paragraphs, ...ending].flat().map((t) => fill(t, cast)));
  while (length() < target) {
    const last = paragraphs[paragraphs.length - 1] as string[];
    if (last.length < 3) last.push(takeMiddle());
    else paragraphs.push([takeMiddle()]);
  }
  return [...paragraphs, ...ending].map((p) => p.map((t) => fill(t, cast)).join(' ')).join('\n\n');
}

export function generate(req: StoryRequest): StoryResult {
  const seed = JSON.stringify([req.inputTexts, req.seedExtra, req.maxTokens, req.stopSequences]);
  // A story project's request (a codex or bible in the prompt) is continued, a scene or a summary, not a new story.
  const project =
    req.lastUserText !== undefined
      ? projectReply({ ...req, lastUserText: req.lastUserText, random: rng(seed), count: (t) => tokenize(t).length })
      : undefined;
  const full = project ?? writeStory(req.prompt, seed);
  let text = full;
  let stopReason: StopReason = 'end_turn';
  let stopSequence: string | null = null;
  let cutAt = Number.POSITIVE_INFINITY;
  for (const s of req.stopSequences) {
    const i = s ? full.indexOf(s) : -1;
    if (i >= 0 && i < cutAt) {
      cutAt = i;
      stopSequence = s;
    }
  }
  if (stopSequence !== null) {
    text = full.slice(0, cutAt);
    stopReason = 'stop_sequence';
  }
  let tokens = tokenize(text);
  if (tokens.length > req.maxTokens) {
    tokens = tokens.slice(0, req.maxTokens);
    stopReason = 'max_tokens';
    stopSequence = null;
  }
  return {
    tokens,
    text: tokens.join(''),
    stopReason,
    stopSequence,
    inputTokens: countTokens(req.inputTexts),
    outputTokens: tokens.length,
  };
}
