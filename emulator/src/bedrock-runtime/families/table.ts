// The adapter of each model family the local models stand in for.
import type { BodyFamily } from '../../models';
import type { FamilyAdapter } from './adapter';
import { claude } from './claude';
import { nova } from './nova';
import { titan } from './titan';

export const FAMILIES: Readonly<Record<BodyFamily, FamilyAdapter>> = { nova, claude, titan };
