// A stored story for the history tests: valid as written to disk, with any field overridden.
import type { StoredStory } from '../../src/core/story/history/storyFile';

export const CONTROLS = {
  premise: 'An otter finds a lighthouse.',
  genre: 'fantasy',
  audience: 'children',
  tone: 'whimsical',
  length: 'short',
  temperature: 0.7,
} as const;

export function storedStory(id: string, createdAt: number, patch: Partial<StoredStory> = {}): StoredStory {
  return {
    version: 1,
    id,
    title: 'An otter finds a lighthouse',
    modelId: 'amazon.nova-lite-v1:0',
    controls: CONTROLS,
    text: '',
    turns: [],
    status: 'done',
    usage: null,
    cost: null,
    createdAt,
    updatedAt: createdAt,
    ...patch,
  };
}
