#!/usr/bin/env python3
"""Writes the `check` benchmark input: N JSON Lines in benches/check.rs's corpus() shape
without its failing tenth (every request predicted to succeed in the default world).

    python3 tools/gen-check-jsonl.py 100000 > /tmp/100k.jsonl   # 52 MB
"""
import sys

LINE = (
    '{{"RegionId":"cn-hangzhou","ZoneId":"cn-hangzhou-i",'
    '"ImageId":"aliyun_3_x64_20G_alibase_20240528.vhd","InstanceType":"ecs.g7.large",'
    '"SecurityGroupId":"sg-bp15ed6xe1yxeycg7o3k","VSwitchId":"vsw-bp1s5fnvk4gn2tws03624",'
    '"Amount":"{amount}","InstanceName":"web-{i}","HostName":"web-{i}",'
    '"Password":"Capture#Passw0rd","InternetMaxBandwidthOut":"10",'
    '"SystemDisk.Category":"cloud_essd","SystemDisk.Size":"40",'
    '"DataDisk.1.Category":"cloud_essd","DataDisk.1.Size":"100",'
    '"Tag.1.Key":"team","Tag.1.Value":"infra","ClientToken":"tok-{i}"}}\n'
)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    out = sys.stdout
    for i in range(n):
        out.write(LINE.format(amount=1 + i % 5, i=i))


if __name__ == "__main__":
    main()
