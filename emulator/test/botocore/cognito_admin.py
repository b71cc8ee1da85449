"""The Admin* calls an operator of a small team uses (#23), through botocore (boto3's and the AWS
CLI's core) against the emulator: create, set a password (temporary, then permanent), get,
disable / enable, list with a filter, global sign-out, delete, and the errors, each parsed by
botocore's own models (timestamps as datetimes, errors by code). Run by
cognitoAdminBotocore.test.ts, which checks the JSON this prints."""
import json
import os
import sys

import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError

env = os.environ
POOL = env["USER_POOL_ID"]


def error_of(call):
    try:
        call()
    except ClientError as e:
        return e.response["Error"]["Code"]
    return None


def main():
    idp = botocore.session.get_session().create_client(
        "cognito-idp",
        region_name=env["REGION"],
        endpoint_url=env["ENDPOINT"],
        aws_access_key_id=env["ADMIN_KEY"],
        aws_secret_access_key=env["ADMIN_SECRET"],
        config=Config(retries={"max_attempts": 1}),
    )
    email = env["EMAIL"]
    result = {}
    created = idp.admin_create_user(
        UserPoolId=POOL,
        Username=email,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "given_name", "Value": "Ada"}],
    )["User"]
    username = created["Username"]
    result["created"] = {
        "status": created["UserStatus"],
        "enabled": created["Enabled"],
        "dates": hasattr(created["UserCreateDate"], "year") and hasattr(created["UserLastModifiedDate"], "year"),
    }
    status = lambda: idp.admin_get_user(UserPoolId=POOL, Username=email)
    idp.admin_set_user_password(UserPoolId=POOL, Username=email, Password=env["PASSWORD"], Permanent=False)
    result["temporary"] = status()["UserStatus"]
    idp.admin_set_user_password(UserPoolId=POOL, Username=email, Password=env["PASSWORD"], Permanent=True)
    got = status()
    result["permanent"] = {
        "status": got["UserStatus"],
        "username": got["Username"] == username,
        "attributes": sorted(a["Name"] for a in got["UserAttributes"]),
    }
    idp.admin_disable_user(UserPoolId=POOL, Username=email)
    result["disabled"] = status()["Enabled"]
    idp.admin_enable_user(UserPoolId=POOL, Username=email)
    result["enabled"] = status()["Enabled"]
    listed = idp.list_users(UserPoolId=POOL, Filter=f'email = "{email}"')["Users"]
    result["listed"] = [u["Username"] == username for u in listed]
    result["badFilter"] = error_of(lambda: idp.list_users(UserPoolId=POOL, Filter="email =="))
    result["globalSignOut"] = idp.admin_user_global_sign_out(UserPoolId=POOL, Username=email)[
        "ResponseMetadata"
    ]["HTTPStatusCode"]
    idp.admin_delete_user(UserPoolId=POOL, Username=email)
    result["afterDelete"] = error_of(status)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
