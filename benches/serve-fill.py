# Fills a running `ecsim serve` with RunInstances Amount=100 calls (zone i, ecs.g7.large) over
# one keep-alive connection and prints the time at checkpoints (docs/benchmarks.md,
# "Serve at scale", 2026-12-02): python3 benches/serve-fill.py ADDR CALLS [MAX_SECONDS]
import http.client, sys, time, json
addr, calls = sys.argv[1], int(sys.argv[2])
limit = float(sys.argv[3]) if len(sys.argv) > 3 else 1e9
host, port = addr.split(":")
c = http.client.HTTPConnection(host, int(port))
q = ("/?Action=RunInstances&RegionId=cn-hangzhou&ZoneId=cn-hangzhou-i"
     "&ImageId=aliyun_3_x64_20G_alibase_20240528.vhd&InstanceType=ecs.g7.large"
     "&SecurityGroupId=sg-bp15ed6xe1yxeycg7o3k&VSwitchId=vsw-bp1s5fnvk4gn2tws03624"
     "&SystemDisk.Category=cloud_essd&Tag.1.Key=env&Tag.1.Value=bench&Amount=100")
t0 = time.time(); made = 0; last = t0
marks = {int(calls * f) for f in (0.125, 0.25, 0.5, 0.75, 1.0)}
for n in range(1, calls + 1):
    c.request("POST", q)
    r = c.getresponse(); body = r.read()
    if r.status != 200:
        print("status", r.status, body[:200]); break
    made += 100
    now = time.time(); dt = now - last
    if n in marks:
        print(f"instances {made}: {now - t0:.2f} s (last call {1000*dt:.2f} ms)", flush=True)
    last = now
    if now - t0 > limit:
        print(f"stopped at {made} instances after {now - t0:.1f} s (last call {1000*dt:.2f} ms)"); break
print(f"filled {made} in {time.time()-t0:.2f} s")
