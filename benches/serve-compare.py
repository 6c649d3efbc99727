# Sends one fixed sequence of requests to `ecsim serve --world W` (W: a world whose zone-i
# vSwitch has CidrBlock 172.20.0.0/16, docs/benchmarks.md 2026-12-02) and prints every answer,
# status and body, one a line, so two binaries can be compared byte for byte:
#   python3 benches/serve-compare.py ADDR > answers.txt
import http.client, sys, json, urllib.parse
host, port = sys.argv[1].split(":")
c = http.client.HTTPConnection(host, int(port))
base = dict(RegionId="cn-hangzhou", ZoneId="cn-hangzhou-i",
            ImageId="aliyun_3_x64_20G_alibase_20240528.vhd", InstanceType="ecs.g7.large",
            SecurityGroupId="sg-bp15ed6xe1yxeycg7o3k", VSwitchId="vsw-bp1s5fnvk4gn2tws03624", **{"SystemDisk.Category": "cloud_essd"})
def call(**p):
    c.request("POST", "/?" + urllib.parse.urlencode(p))
    r = c.getresponse(); b = r.read()
    sys.stdout.buffer.write(b"%d " % r.status + b + b"\n")
    return b
def run(**p): return call(Action="RunInstances", **dict(base, **p))
def describe(**p): return call(Action="DescribeInstances", RegionId="cn-hangzhou", **p)
ids = []
for k in range(5):
    b = json.loads(run(Amount="100", **{"Tag.1.Key": "k<&>\"'%d" % k, "Tag.1.Value": "v\u00e9\U0001f600",
                                        "InstanceName": "web.n_%d" % k, "Description": "d\"\\\t"}))
    ids += b["InstanceIdSets"]["InstanceIdSet"]
b = json.loads(run(Amount="20", InternetMaxBandwidthOut="5", SpotStrategy="SpotWithPriceLimit", SpotPriceLimit="0.4"))
ids += b.get("InstanceIdSets", {}).get("InstanceIdSet", [])
run(Amount="3", PrivateIpAddress="172.20.3.7")
call(Action="DeleteInstances", RegionId="cn-hangzhou", **{"InstanceId.%d" % (n + 1): ids[7 * n + 3] for n in range(60)})
call(Action="DeleteInstance", InstanceId=ids[1])
run(Amount="70", InternetMaxBandwidthOut="2")
for fmt in ("JSON", "XML"):
    token = ""
    while True:
        p = dict(Format=fmt, MaxResults="100")
        if token: p["NextToken"] = token
        b = describe(**p)
        if fmt == "XML":
            t = b.split(b"<NextToken>")[1].split(b"</NextToken>")[0] if b"<NextToken>" in b else b""
            token = t.decode()
        else:
            token = json.loads(b)["NextToken"]
        if not token: break
    describe(Format=fmt, PageNumber="3", PageSize="7")
    describe(Format=fmt, InstanceIds=json.dumps(ids[:5] + ids[300:305]))
    describe(Format=fmt, Status="Stopped")
    describe(Format=fmt, ZoneId="cn-hangzhou-j")
