import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminSetUserPasswordCommand,
  ListUsersCommand,
  SignUpCommand,
  paginateListUsers,
} from '@aws-sdk/client-cognito-identity-provider';
import type { ListUsersCommandInput, UserType } from '@aws-sdk/client-cognito-identity-provider';
import { strict as assert } from 'node:assert';
import type { RunningEmulator } from '../../src/emulator';
import { PASSWORD, idpClient, rejectsWith, start, uniqueEmail } from '../helpers';

const PARSE_ERROR = 'Error while parsing filter.';
const NO_ATTRIBUTE = 'One or more requested attributes do not exist.';

describe('ListUsers', () => {
  let emu: RunningEmulator;
  // The pool's users, by the name the tests use; values are their subs (the usernames here).
  const sub: Record<'ada' | 'adam' | 'grace' | 'quoted', string> = { ada: '', adam: '', grace: '', quoted: '' };
  const email: Record<keyof typeof sub, string> = {
    ada: uniqueEmail('ada'),
    adam: uniqueEmail('adam'),
    grace: uniqueEmail('grace'),
    quoted: uniqueEmail('quoted'),
  };

  const list = (input: Omit<ListUsersCommandInput, 'UserPoolId'> = {}) =>
    idpClient(emu).send(new ListUsersCommand({ UserPoolId: emu.userPoolId, ...input }));
  const names = (users: UserType[] | undefined): string[] =>
    (users ?? []).map((u) => Object.entries(sub).find(([, s]) => s === u.Username)?.[0] ?? `?${u.Username}`).sort();
  const filtered = async (Filter: string) => names((await list({ Filter })).Users);

  before(async () => {
    emu = await start();
    const idp = idpClient(emu);
    const create = async (who: keyof typeof sub, attributes: Record<string, string>) => {
      const out = await idp.send(
        new AdminCreateUserCommand({
          UserPoolId: emu.userPoolId,
          Username: email[who],
          MessageAction: 'SUPPRESS',
          UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
        }),
      );
      sub[who] = out.User?.Username ?? '';
    };
    await create('ada', {
      given_name: 'Ada',
      family_name: 'Lovelace',
      phone_number: '+15555550101',
      preferred_username: 'countess',
    });
    await idp.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: emu.userPoolId,
        Username: email.ada,
        Password: PASSWORD,
        Permanent: true,
      }),
    );
    await create('adam', { given_name: 'Adam', family_name: 'Smith' });
    await create('grace', { given_name: 'Grace', family_name: 'Hopper', name: 'Grace Hopper' });
    await idp.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: emu.userPoolId,
        Username: email.grace,
        Password: PASSWORD,
        Permanent: true,
      }),
    );
    await idp.send(new AdminDisableUserCommand({ UserPoolId: emu.userPoolId, Username: email.grace }));
    const up = await idp.send(
      new SignUpCommand({
        ClientId: emu.clientId,
        Username: email.quoted,
        Password: PASSWORD,
        UserAttributes: [{ Name: 'name', Value: 'Someone "Quoted" \\ Here' }],
      }),
    );
    sub.quoted = up.UserSub ?? '';
  });
  after(() => emu.stop());

  it('lists every user with the shape of UserType: username (the sub), attributes, dates, Enabled, status', async () => {
    const out = await list();
    assert.deepEqual(names(out.Users), ['ada', 'adam', 'grace', 'quoted']);
    assert.equal(out.PaginationToken, undefined);
    const ada = out.Users?.find((u) => u.Username === sub.ada);
    assert.equal(ada?.UserStatus, 'CONFIRMED');
    assert.equal(ada?.Enabled, true);
    assert.ok(ada?.UserCreateDate instanceof Date && Math.abs(ada.UserCreateDate.getTime() - Date.now()) < 60_000);
    assert.ok(ada?.UserLastModifiedDate instanceof Date);
    const attrs = Object.fromEntries((ada?.Attributes ?? []).map((a) => [a.Name, a.Value]));
    assert.equal(attrs.email, email.ada);
    assert.equal(attrs.sub, sub.ada);
    assert.equal(attrs.given_name, 'Ada');
    const grace = out.Users?.find((u) => u.Username === sub.grace);
    assert.equal(grace?.Enabled, false);
    assert.equal(out.Users?.find((u) => u.Username === sub.adam)?.UserStatus, 'FORCE_CHANGE_PASSWORD');
    assert.equal(out.Users?.find((u) => u.Username === sub.quoted)?.UserStatus, 'UNCONFIRMED');
    assert.deepEqual(names((await list({ Filter: '' })).Users), ['ada', 'adam', 'grace', 'quoted']);
  });

  it('filters with = (exact, case-sensitive) and ^= (prefix), with or without spaces', async () => {
    assert.deepEqual(await filtered('given_name = "Ada"'), ['ada']);
    assert.deepEqual(await filtered('given_name ^= "Ada"'), ['ada', 'adam']);
    assert.deepEqual(await filtered('given_name="Ada"'), ['ada']);
    assert.deepEqual(await filtered('given_name = "ada"'), []);
    assert.deepEqual(await filtered('given_name = "Ad"'), []);
  });

  it('searches each attribute AWS allows: username, email, phone_number, name, given_name, family_name, preferred_username, sub', async () => {
    assert.deepEqual(await filtered(`username = "${sub.adam}"`), ['adam']);
    assert.deepEqual(await filtered(`email = "${email.grace}"`), ['grace']);
    assert.deepEqual(await filtered('phone_number ^= "+1555"'), ['ada']);
    assert.deepEqual(await filtered('name = "Grace Hopper"'), ['grace']);
    assert.deepEqual(await filtered('family_name = "Smith"'), ['adam']);
    assert.deepEqual(await filtered('preferred_username = "countess"'), ['ada']);
    assert.deepEqual(await filtered(`sub = "${sub.quoted}"`), ['quoted']);
    // Quotation marks and backslashes in the value are escaped with a backslash.
    assert.deepEqual(await filtered('name = "Someone \\"Quoted\\" \\\\ Here"'), ['quoted']);
  });

  it('status is Enabled/Disabled (case-sensitive); cognito:user_status the user status (case-insensitive)', async () => {
    assert.deepEqual(await filtered('status = "Disabled"'), ['grace']);
    assert.deepEqual(await filtered('status = "Enabled"'), ['ada', 'adam', 'quoted']);
    assert.deepEqual(await filtered('status = "disabled"'), []);
    assert.deepEqual(await filtered('cognito:user_status = "FORCE_CHANGE_PASSWORD"'), ['adam']);
    assert.deepEqual(await filtered('cognito:user_status = "unconfirmed"'), ['quoted']);
    assert.deepEqual(await filtered('cognito:user_status = "Confirmed"'), ['ada', 'grace']);
  });

  it('refuses a filter it cannot parse or on an attribute AWS does not search', async () => {
    for (const Filter of [
      'given_name = Ada',
      'given_name == "Ada"',
      'given_name = "Ada" and family_name = "Lovelace"',
      'given_name = "Ada',
      'nickname = "x"',
      'custom:tier = "gold"',
      'Given_Name = "Ada"',
    ])
      await rejectsWith(list({ Filter }), 'InvalidParameterException', PARSE_ERROR);
    await rejectsWith(
      list({ Filter: `email = "${'x'.repeat(260)}"` }),
      'InvalidParameterException',
      "1 validation error detected: Value at 'filter' failed to satisfy constraint: Member must have length less than or equal to 256",
    );
  });

  it('pages with Limit and PaginationToken, each user once, through the SDK paginator too', async () => {
    const first = await list({ Limit: 3 });
    assert.equal(first.Users?.length, 3);
    assert.ok(first.PaginationToken);
    const second = await list({ Limit: 3, PaginationToken: first.PaginationToken });
    assert.equal(second.Users?.length, 1);
    assert.equal(second.PaginationToken, undefined);
    assert.deepEqual(names([...(first.Users ?? []), ...(second.Users ?? [])]), ['ada', 'adam', 'grace', 'quoted']);

    const pages: string[][] = [];
    for await (const page of paginateListUsers(
      { client: idpClient(emu), pageSize: 1 },
      { UserPoolId: emu.userPoolId, Filter: 'given_name ^= "A"' },
    ))
      pages.push(names(page.Users));
    assert.deepEqual(pages.flat().sort(), ['ada', 'adam']);
    assert.equal(pages.filter((p) => p.length === 1).length, 2);
  });

  it('refuses a pagination token from another filter, a made-up one, and a Limit over 60', async () => {
    const first = await list({ Limit: 1, Filter: 'given_name ^= "A"' });
    assert.ok(first.PaginationToken);
    await rejectsWith(
      list({ Limit: 1, Filter: 'status = "Enabled"', PaginationToken: first.PaginationToken }),
      'InvalidParameterException',
      /^Paging marker .* is invalid for request\.$/,
    );
    await rejectsWith(list({ PaginationToken: 'not-a-token' }), 'InvalidParameterException');
    await rejectsWith(
      list({ Limit: 61 }),
      'InvalidParameterException',
      "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60",
    );
  });

  it('AttributesToGet returns only those attributes; none for an empty list', async () => {
    const out = await list({ AttributesToGet: ['email'] });
    assert.equal(out.Users?.length, 4);
    for (const u of out.Users ?? [])
      assert.deepEqual(
        u.Attributes?.map((a) => a.Name),
        ['email'],
      );
    const bare = await list({ AttributesToGet: [], Filter: 'given_name = "Ada"' });
    assert.deepEqual(bare.Users?.[0]?.Attributes, []);
    assert.equal(bare.Users?.[0]?.Username, sub.ada);
  });

  it('AttributesToGet refuses an attribute a listed user lacks, unless the filter leaves only users who have it', async () => {
    await rejectsWith(list({ AttributesToGet: ['given_name'] }), 'InvalidParameterException', NO_ATTRIBUTE);
    await rejectsWith(list({ AttributesToGet: ['custom:tier'] }), 'InvalidParameterException', NO_ATTRIBUTE);
    const out = await list({ AttributesToGet: ['given_name', 'family_name'], Filter: 'given_name ^= "A"' });
    assert.deepEqual(
      (out.Users ?? []).map((u) => Object.fromEntries((u.Attributes ?? []).map((a) => [a.Name, a.Value]))),
      [
        { given_name: 'Ada', family_name: 'Lovelace' },
        { given_name: 'Adam', family_name: 'Smith' },
      ],
    );
  });

  it('a user deleted between two pages does not break the listing', async () => {
    const idp = idpClient(emu);
    const extra = [uniqueEmail('page'), uniqueEmail('page'), uniqueEmail('page')];
    for (const e of extra)
      await idp.send(
        new AdminCreateUserCommand({
          UserPoolId: emu.userPoolId,
          Username: e,
          MessageAction: 'SUPPRESS',
          UserAttributes: [{ Name: 'family_name', Value: 'Paged' }],
        }),
      );
    const Filter = 'family_name = "Paged"';
    const first = await list({ Filter, Limit: 1 });
    const emailOf = (u: UserType | undefined) => u?.Attributes?.find((a) => a.Name === 'email')?.Value;
    assert.equal(emailOf(first.Users?.[0]), extra[0]);
    await idp.send(new AdminDeleteUserCommand({ UserPoolId: emu.userPoolId, Username: extra[1] as string }));
    const rest = await list({ Filter, PaginationToken: first.PaginationToken });
    assert.deepEqual(rest.Users?.map(emailOf), [extra[2]]);
    assert.equal((await list()).Users?.length, 6);
  });

  it('refuses another pool', async () => {
    await rejectsWith(
      idpClient(emu).send(new ListUsersCommand({ UserPoolId: 'us-east-1_Nope12345' })),
      'ResourceNotFoundException',
      'User pool us-east-1_Nope12345 does not exist.',
    );
  });
});
