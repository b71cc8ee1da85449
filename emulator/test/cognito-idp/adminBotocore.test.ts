// The Admin* calls of a small team's operator (#23) through botocore (Python): the emulator's
// shapes are AWS's for boto3 and the AWS CLI too, not only for the JavaScript SDK. The script
// (emulator/test/botocore/cognito_admin.py) walks one user from creation to deletion.
import { strict as assert } from 'node:assert';
import type { RunningEmulator } from '../../src/emulator';
import { runBotocore } from '../botocore/python';
import { ADMIN_CREDENTIALS, PASSWORD, start, uniqueEmail } from '../helpers';

interface AdminResult {
  created: { status: string; enabled: boolean; dates: boolean };
  temporary: string;
  permanent: { status: string; username: boolean; attributes: string[] };
  disabled: boolean;
  enabled: boolean;
  listed: boolean[];
  badFilter: string;
  globalSignOut: number;
  afterDelete: string;
}

describe('cognito-idp: Admin* calls through botocore (Python)', function () {
  this.timeout(60_000);
  let emu: RunningEmulator;
  let r: AdminResult;

  before(async () => {
    emu = await start();
    r = await runBotocore<AdminResult>('cognito_admin.py', {
      ENDPOINT: emu.endpoints.cognitoIdp,
      REGION: emu.region,
      ADMIN_KEY: ADMIN_CREDENTIALS.accessKeyId,
      ADMIN_SECRET: ADMIN_CREDENTIALS.secretAccessKey,
      USER_POOL_ID: emu.userPoolId,
      EMAIL: uniqueEmail('boto'),
      PASSWORD,
    });
  });
  after(() => emu?.stop());

  it('AdminCreateUser: FORCE_CHANGE_PASSWORD, enabled, dates botocore reads as datetimes', () => {
    assert.deepEqual(r.created, { status: 'FORCE_CHANGE_PASSWORD', enabled: true, dates: true });
  });

  it('AdminSetUserPassword: Permanent false keeps FORCE_CHANGE_PASSWORD, true confirms; AdminGetUser agrees', () => {
    assert.equal(r.temporary, 'FORCE_CHANGE_PASSWORD');
    assert.equal(r.permanent.status, 'CONFIRMED');
    assert.equal(r.permanent.username, true);
    assert.deepEqual(r.permanent.attributes, ['email', 'email_verified', 'given_name', 'sub']);
  });

  it('AdminDisableUser / AdminEnableUser, ListUsers with a filter, a malformed filter refused', () => {
    assert.equal(r.disabled, false);
    assert.equal(r.enabled, true);
    assert.deepEqual(r.listed, [true]);
    assert.equal(r.badFilter, 'InvalidParameterException');
  });

  it('AdminUserGlobalSignOut answers 200; after AdminDeleteUser the user is UserNotFoundException', () => {
    assert.equal(r.globalSignOut, 200);
    assert.equal(r.afterDelete, 'UserNotFoundException');
  });
});
