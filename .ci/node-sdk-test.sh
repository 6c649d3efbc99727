#!/usr/bin/env bash
# Real-client test: the official Node.js SDK against `ecsim serve` (docs/serve.md).
#
# Builds the release binary (into ${CARGO_TARGET_DIR:-target}), installs @alicloud/ecs20140526
# and @alicloud/openapi-client from npm into a temporary directory, starts
# `ecsim serve --port 0 --clock manual` on the default world and, through the SDK (which
# sends the action as the x-acs-action header, signed ACS3-HMAC-SHA256):
#   - RunInstances of 2 instances, then 10 more;
#   - DescribeInstances with MaxResults=1 (read as 10, as the metadata says), following
#     NextToken to the end: every id once, in creation order, each with its private address;
#   - a DryRun RunInstances answering DryRunOperation;
#   - error codes: a PrivateIpAddress a session instance holds
#     (InvalidPrivateIpAddress.Duplicated, 400) and DeleteInstance of an unknown id
#     (InvalidInstanceId.NotFound, 404).
# Exit status: that of the test (non-zero when an assertion fails). When npm or node is
# missing or the packages cannot be installed, prints a loud SKIPPED notice and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."

ECSIM="${CARGO_TARGET_DIR:-target}/release/ecsim"
PACKAGES=(@alicloud/ecs20140526 @alicloud/openapi-client)

skip() {
    echo "================================================================"
    echo "SKIPPED: $1"
    echo "         (Node.js SDK test: the SDK could not be installed; nothing was tested)"
    echo "================================================================"
    exit 0
}

command -v node >/dev/null || skip "node not installed"
command -v npm >/dev/null || skip "npm not installed"

cargo build --release --quiet

WORK="$(mktemp -d)"
LOG="$WORK/serve.log"
SERVER=""
cleanup() {
    if [ -n "$SERVER" ]; then
        kill "$SERVER" 2>/dev/null || true
        wait "$SERVER" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

(cd "$WORK" && npm init -y >/dev/null \
    && npm install --no-audit --no-fund --silent "${PACKAGES[@]}") \
    || skip "npm registry unreachable (npm install ${PACKAGES[*]} failed)"

"$ECSIM" serve --port 0 --clock manual >"$LOG" 2>&1 &
SERVER=$!

ADDR=""
for _ in $(seq 1 100); do
    ADDR="$(sed -n 's#^listening on http://##p' "$LOG" | head -n 1)"
    [ -n "$ADDR" ] && break
    if ! kill -0 "$SERVER" 2>/dev/null; then
        cat "$LOG" >&2
        echo "node-sdk-test: ecsim serve exited before listening" >&2
        exit 1
    fi
    sleep 0.1
done
[ -n "$ADDR" ] || { cat "$LOG" >&2; echo "node-sdk-test: no address from ecsim serve" >&2; exit 1; }
echo "node-sdk-test: ecsim serve on $ADDR"

cat >"$WORK/test.js" <<'EOF'
// Drives ecsim serve through the official SDK; any failed assertion exits non-zero.
const assert = require('node:assert/strict');
const Ecs = require('@alicloud/ecs20140526');
const OpenApi = require('@alicloud/openapi-client');

const client = new Ecs.default(new OpenApi.Config({
  // Dummy credentials: ecsim checks no signature, and none of this is printed.
  accessKeyId: 'LTAInodeDUMMYak',
  accessKeySecret: 'node-dummy-secret',
  endpoint: process.argv[2],
  protocol: 'http',
  regionId: 'cn-hangzhou',
}));

const base = {
  regionId: 'cn-hangzhou',
  zoneId: 'cn-hangzhou-i',
  imageId: 'aliyun_3_x64_20G_alibase_20240528.vhd',
  instanceType: 'ecs.g7.large',
  securityGroupId: 'sg-bp15ed6xe1yxeycg7o3k',
  vSwitchId: 'vsw-bp1s5fnvk4gn2tws03624',
  systemDisk: new Ecs.RunInstancesRequestSystemDisk({ category: 'cloud_essd' }),
};
const run = (extra) => client.runInstances(new Ecs.RunInstancesRequest({ ...base, ...extra }));

// The error a call answers: [code, HTTP status].
async function failure(call) {
  try {
    await call();
  } catch (e) {
    return [e.code, e.statusCode];
  }
  assert.fail('the call succeeded');
}

(async () => {
  const two = (await run({ amount: 2 })).body.instanceIdSets.instanceIdSet;
  assert.equal(two.length, 2);
  const ten = (await run({ amount: 10 })).body.instanceIdSets.instanceIdSet;
  const made = [...two, ...ten];

  const seen = [];
  let token;
  let pages = 0;
  do {
    const body = (await client.describeInstances(new Ecs.DescribeInstancesRequest({
      regionId: 'cn-hangzhou', maxResults: 1, nextToken: token,
    }))).body;
    pages += 1;
    for (const i of body.instances.instance) {
      seen.push([i.instanceId, i.vpcAttributes.privateIpAddress.ipAddress]);
    }
    token = body.nextToken;
  } while (token);
  assert.equal(pages, 2, 'MaxResults=1 reads as 10: 12 instances in 2 pages');
  assert.deepEqual(seen.map(([id]) => id), made);
  for (const [id, ips] of seen) {
    assert.equal(ips.length, 1, `${id} has one private address`);
    assert.match(ips[0], /^172\.16\.1\.\d+$/);
  }
  assert.equal(new Set(seen.map(([, ips]) => ips[0])).size, made.length, 'addresses differ');
  console.log(`node-sdk-test: ${made.length} ids over ${pages} pages; ` +
    `${two[0]} ${seen[0][1][0]}, ${two[1]} ${seen[1][1][0]}`);

  assert.deepEqual(await failure(() => run({ dryRun: true })), ['DryRunOperation', 400]);
  assert.deepEqual(await failure(() => run({ privateIpAddress: seen[0][1][0] })),
    ['InvalidPrivateIpAddress.Duplicated', 400]);
  assert.deepEqual(await failure(() => client.deleteInstance(new Ecs.DeleteInstanceRequest({
    instanceId: 'i-nosuchinstance',
  }))), ['InvalidInstanceId.NotFound', 404]);
  const after = (await client.describeInstances(new Ecs.DescribeInstancesRequest({
    regionId: 'cn-hangzhou', maxResults: 100,
  }))).body;
  assert.equal(after.instances.instance.length, made.length, 'the failures created nothing');
  console.log('node-sdk-test: DryRunOperation, InvalidPrivateIpAddress.Duplicated, ' +
    'InvalidInstanceId.NotFound as expected');
})().catch((e) => {
  console.error(`node-sdk-test: FAILED: ${e.stack || e}`);
  process.exit(1);
});
EOF

VERSIONS="$(cd "$WORK" && node -e '
for (const p of process.argv.slice(1)) {
  console.log(p + "@" + require(p + "/package.json").version);
}' "${PACKAGES[@]}" | tr '\n' ' ')"
echo "node-sdk-test: node $(node --version), $VERSIONS"
(cd "$WORK" && node test.js "$ADDR")
echo "node-sdk-test: passed"
