-- wrk script: RunInstances over keep-alive HTTP against `ecsim serve` (docs/benchmarks.md, "Serve").
--   wrk -t2 -c64 -d10s -s benches/serve-run-instances.lua http://127.0.0.1:PORT/
-- DRY_RUN=true measures the DryRun path (every check, nothing created); otherwise each request
-- creates one instance (start the server with benches/serve-world.json so quotas do not run out).
-- Everything travels in the query string of `POST /`, as the official SDKs send it.
local dry = os.getenv("DRY_RUN") or "false"
wrk.method = "POST"
wrk.path = "/?Action=RunInstances&Version=2014-05-26&Format=JSON&AccessKeyId=LTAIbenchDUMMYak"
  .. "&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=1&Signature=x"
  .. "&Timestamp=2026-11-28T08%3A56%3A56Z&RegionId=cn-hangzhou&ZoneId=cn-hangzhou-i"
  .. "&ImageId=aliyun_3_x64_20G_alibase_20240528.vhd&InstanceType=ecs.g7.large"
  .. "&SecurityGroupId=sg-bp15ed6xe1yxeycg7o3k&VSwitchId=vsw-bp1s5fnvk4gn2tws03624"
  .. "&SystemDisk.Category=cloud_essd&SystemDisk.Size=40&DataDisk.1.Category=cloud_essd"
  .. "&DataDisk.1.Size=100&Password=Bench%23Passw0rd&Tag.1.Key=env&Tag.1.Value=bench"
  .. "&Amount=1&DryRun=" .. dry

local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  io.write(string.format("requests/s: %.0f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("non-2xx/3xx: %d\n", summary.errors.status))
end
