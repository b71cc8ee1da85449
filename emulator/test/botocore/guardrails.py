"""Content safety (#27) through botocore, AWS's Python core (boto3, the AWS CLI), against the
emulator: the same answers the JavaScript SDK gets, read with botocore's own service models,
parsers and event-stream decoder. Run by guardrailsBotocore.test.ts, which passes the emulator's
endpoint, a user's identity-pool credentials and the stack's guardrails in the environment, and
checks the JSON this prints (one object: a result per step)."""
import json
import os
import sys

import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError

env = os.environ
MODEL = "amazon.nova-lite-v1:0"


def client(service, key, secret, token=None):
    session = botocore.session.get_session()
    return session.create_client(
        service,
        region_name=env["REGION"],
        endpoint_url=env["ENDPOINT"],
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=Config(retries={"max_attempts": 1}, parameter_validation=True),
    )


def ask(text):
    return {"modelId": MODEL, "messages": [{"role": "user", "content": [{"text": text}]}]}


def error_of(call):
    try:
        call()
    except ClientError as e:
        return {"code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
    return None


def stream(rt, request):
    out = rt.converse_stream(**request)
    deltas, stop, metadata = [], None, None
    for event in out["stream"]:
        if "contentBlockDelta" in event:
            deltas.append(event["contentBlockDelta"]["delta"].get("text", ""))
        if "messageStop" in event:
            stop = event["messageStop"]["stopReason"]
        if "metadata" in event:
            metadata = event["metadata"]
    return {"deltas": deltas, "stopReason": stop, "usage": metadata and metadata.get("usage")}


def main():
    rt = client("bedrock-runtime", env["USER_KEY"], env["USER_SECRET"], env["USER_TOKEN"])
    standard = {"guardrailIdentifier": env["STANDARD_ID"], "guardrailVersion": env["STANDARD_VERSION"]}
    result = {}
    result["unguarded"] = error_of(lambda: rt.converse(**ask(env["SAFE"])))
    result["unguardedStream"] = error_of(lambda: rt.converse_stream(**ask(env["SAFE"])))
    result["wrongVersion"] = error_of(
        lambda: rt.converse(**ask(env["SAFE"]), guardrailConfig={**standard, "guardrailVersion": "DRAFT"})
    )
    served = rt.converse(**ask(env["SAFE"]), guardrailConfig=standard)
    result["served"] = {
        "stopReason": served["stopReason"],
        "text": served["output"]["message"]["content"][0]["text"],
        "usage": served["usage"],
    }
    blocked = rt.converse(**ask(env["BLOCKED_PREMISE"]), guardrailConfig={**standard, "trace": "enabled"})
    assessment = blocked["trace"]["guardrail"]["inputAssessment"][env["STANDARD_ID"]]
    result["blockedPremise"] = {
        "stopReason": blocked["stopReason"],
        "text": blocked["output"]["message"]["content"][0]["text"],
        "usage": blocked["usage"],
        "filters": assessment["contentPolicy"]["filters"],
    }
    result["blockedPremiseStream"] = stream(
        rt, {**ask(env["BLOCKED_PREMISE"]), "guardrailConfig": {**standard, "streamProcessingMode": "sync"}}
    )
    applied = rt.apply_guardrail(
        guardrailIdentifier=env["STRICT_ID"],
        guardrailVersion=env["STRICT_VERSION"],
        source="OUTPUT",
        content=[{"text": {"text": "A pickpocket in the market"}}],
    )
    result["applyGuardrail"] = {"action": applied["action"], "outputs": applied["outputs"], "usage": applied["usage"]}
    control = client("bedrock", env["ADMIN_KEY"], env["ADMIN_SECRET"])
    got = control.get_guardrail(guardrailIdentifier=env["STRICT_ID"], guardrailVersion=env["STRICT_VERSION"])
    result["getGuardrail"] = {
        "version": got["version"],
        "status": got["status"],
        "createdAtIsDate": hasattr(got["createdAt"], "year"),
        "blockedInputMessaging": got["blockedInputMessaging"],
        "managedWordLists": [w["type"] for w in got["wordPolicy"]["managedWordLists"]],
    }
    listed = control.list_guardrails()
    result["listGuardrails"] = sorted(g["id"] for g in listed["guardrails"])
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
