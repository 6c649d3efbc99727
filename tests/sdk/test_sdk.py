"""Real-client test: the official Python SDKs against `ecsim serve`.

Run by .ci/sdk-test.sh against a server started with tests/sdk/world-low-quota.json
(cn-hangzhou: 48 pay-as-you-go vCPUs, 40 in use, so room for four 2-vCPU instances;
sg-bp1fullgroup9k2m7x4q: 999 of 1000 instances).

    python tests/sdk/test_sdk.py 127.0.0.1:PORT

Old SDK: aliyun-python-sdk-core + aliyun-python-sdk-ecs (Action in the query, RPC signing).
New SDK: alibabacloud-ecs20140526 (Action only in the x-acs-action header, ACS3 signing).
Exits 1 when an assertion fails.
"""

import json
import sys
import traceback

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


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    addr = argv[1]
    failed = 0
    for check in (check_old_sdk, check_new_sdk):
        try:
            check(addr)
        except Exception:
            failed += 1
            print(f"FAILED: {check.__name__}")
            traceback.print_exc()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
