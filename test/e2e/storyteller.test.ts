// The end-to-end suite (issue #7): `npm run demo` (scripts/demo.ts) builds and packages the
// extension, starts the emulator and code-server, and headless Chromium walks a person's path
// through the real workbench: sign up, the Accounts menu, a story streamed, stopped, continued
// and exported, the history, a hostile story, both themes, sign out; then Ctrl+C ends the demo
// and leaves nothing behind. One demo, one path: each part starts where the one before left the
// person, so the parts (test/e2e/journey/) run here, in this order.
import { otherAccounts } from './journey/accounts';
import { colorThemes } from './journey/colorTheme';
import { aHostileStory } from './journey/hostile';
import { ctrlCAndRestart } from './journey/restart';
import { signUpAndSignIn } from './journey/signUp';
import { aStory } from './journey/story';
import { useJourney } from './journey';

describe('Bedrock Storyteller end to end (npm run demo, code-server, Chromium)', function () {
  this.timeout(90_000);
  const j = useJourney();

  describe('a, b. Sign up and sign in; the Accounts menu', () => signUpAndSignIn(j));
  describe('c, d. A story, the history, and the panel that remembers (#13)', () => aStory(j));
  describe('e. A hostile story', () => aHostileStory(j));
  describe('f. Themes', () => colorThemes(j));
  describe('g, h. Another extension asks for the session; sign out; other accounts', () => otherAccounts(j));
  describe('i. Ctrl+C and a restart', () => ctrlCAndRestart(j));
});
