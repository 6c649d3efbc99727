"""Writes the current Python SDK's own request map for one RunInstances request.

    python tests/sdk/to_map.py > scenarios/check/sdk-nested.json

Needs alibabacloud-ecs20140526 (as .ci/sdk-test.sh installs it). The request is built with the
SDK's model classes and printed as `RunInstancesRequest.to_map()` returns it: nested SystemDisk,
DataDisk, Tag, PrivatePoolOptions and the SecurityGroupIds list, as `ecsim check` reads it
(docs/input-forms.md, "SDK request maps"). tests/it/inputs.rs checks that it predicts the same
as the flat wire parameters the SDK sends for it.
"""

import json
import sys

from alibabacloud_ecs20140526 import models

request = models.RunInstancesRequest(
    region_id="cn-hangzhou",
    zone_id="cn-hangzhou-i",
    image_id="aliyun_3_x64_20G_alibase_20240528.vhd",
    instance_type="ecs.g7.large",
    security_group_ids=["sg-bp15ed6xe1yxeycg7o3k"],
    v_switch_id="vsw-bp1s5fnvk4gn2tws03624",
    instance_name="web",
    amount=2,
    system_disk=models.RunInstancesRequestSystemDisk(category="cloud_essd", size="40"),
    data_disk=[
        models.RunInstancesRequestDataDisk(
            category="cloud_essd", size=100, delete_with_instance=True
        ),
        models.RunInstancesRequestDataDisk(category="cloud_essd", size=200),
    ],
    tag=[
        models.RunInstancesRequestTag(key="team", value="web"),
        models.RunInstancesRequestTag(key="env", value="prod"),
    ],
    private_pool_options=models.RunInstancesRequestPrivatePoolOptions(match_criteria="Open"),
)
json.dump(request.to_map(), sys.stdout, indent=1)
sys.stdout.write("\n")
