//! Criterion benches for `check`: parsing JSON Lines and predicting each request.

mod bare;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

// The binary's allocator, so the figures match the command.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use ecsim::request::wire;
use ecsim::validate;
use ecsim::world::load::default_world;

/// A realistic mix: the official SDK capture, small variations, and a few failing requests.
fn corpus(n: usize) -> String {
    corpus_of(n, true)
}

/// The corpus, with its failing tenth (an out-of-range data disk) or all predicted to succeed
/// (the bare baseline's input, as tools/gen-check-jsonl.py writes it).
fn corpus_of(n: usize, failing: bool) -> String {
    let mut s = String::with_capacity(n * 600);
    for i in 0..n {
        let amount = 1 + i % 5;
        let bad_size = if failing && i % 10 == 0 { "4" } else { "100" };
        s.push_str(&format!(
            concat!(
                "{{\"RegionId\":\"cn-hangzhou\",\"ZoneId\":\"cn-hangzhou-i\",",
                "\"ImageId\":\"aliyun_3_x64_20G_alibase_20240528.vhd\",\"InstanceType\":\"ecs.g7.large\",",
                "\"SecurityGroupId\":\"sg-bp15ed6xe1yxeycg7o3k\",\"VSwitchId\":\"vsw-bp1s5fnvk4gn2tws03624\",",
                "\"Amount\":\"{}\",\"InstanceName\":\"web-{}\",\"HostName\":\"web-{}\",",
                "\"Password\":\"Capture#Passw0rd\",\"InternetMaxBandwidthOut\":\"10\",",
                "\"SystemDisk.Category\":\"cloud_essd\",\"SystemDisk.Size\":\"40\",",
                "\"DataDisk.1.Category\":\"cloud_essd\",\"DataDisk.1.Size\":\"{}\",",
                "\"Tag.1.Key\":\"team\",\"Tag.1.Value\":\"infra\",\"ClientToken\":\"tok-{}\"}}\n"
            ),
            amount, i, i, bad_size, i
        ));
    }
    s
}

fn bench_check(c: &mut Criterion) {
    let world = default_world().expect("default world loads");
    let at = ecsim::time::parse_utc("2026-11-28T10:00:00Z").unwrap();
    let text = corpus(1000);
    let raws = wire::parse_text("bench.jsonl", &text).unwrap();

    let mut g = c.benchmark_group("check");
    g.throughput(Throughput::Elements(raws.len() as u64));
    g.bench_function("parse_json_lines_1000", |b| {
        b.iter(|| wire::parse_text("bench.jsonl", black_box(&text)).unwrap())
    });
    // What `ecsim check` does with a JSON Lines input: open, cut into batches, parse each.
    g.bench_function("stream_json_lines_1000", |b| {
        b.iter(|| {
            let mut n = 0;
            match wire::open("bench.jsonl", black_box(text.as_bytes())).unwrap() {
                wire::Opened::Lines(mut lines) => {
                    while let Some(batch) = lines.next_batch(16 * 1024, 8 << 20) {
                        n += batch.parse().unwrap().len();
                    }
                }
                wire::Opened::Document(_) => panic!("the corpus is JSON Lines"),
            }
            n
        })
    });
    g.bench_function("predict_1000", |b| {
        b.iter(|| {
            for r in &raws {
                black_box(validate::predict(r, &world, at));
            }
        })
    });
    g.bench_function("parse_predict_report_1000", |b| {
        b.iter(|| {
            let raws = wire::parse_text("bench.jsonl", black_box(&text)).unwrap();
            let preds: Vec<_> = raws
                .iter()
                .map(|r| validate::predict(r, &world, at))
                .collect();
            ecsim::report::check::json_lines(&preds)
        })
    });
    // `check --json` against the bare baseline (benches/bare), one thread each, on the
    // corpus without its failing tenth: the same output bytes.
    let ok_text = corpus_of(1000, false);
    let at_cmd = ecsim::time::parse_utc("2027-06-01T00:00:00Z").unwrap();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let ecsim_json = |text: &str| {
        let mut out = Vec::new();
        match wire::open("bench.jsonl", text.as_bytes()).unwrap() {
            wire::Opened::Lines(mut lines) => {
                while let Some(batch) = lines.next_batch(16 * 1024, 8 << 20) {
                    let preds: Vec<_> = batch
                        .parse()
                        .unwrap()
                        .iter()
                        .map(|r| validate::predict(r, &world, at_cmd))
                        .collect();
                    out.extend(ecsim::report::check::json_lines(&preds));
                }
            }
            wire::Opened::Document(_) => panic!("the corpus is JSON Lines"),
        }
        out
    };
    let mut bare_out = Vec::new();
    bare::lines("bench.jsonl", &ok_text, &mut bare_out);
    assert_eq!(
        one.install(|| ecsim_json(&ok_text)),
        bare_out,
        "the same bytes"
    );
    g.bench_function("json_1000_ecsim", |b| {
        b.iter(|| one.install(|| ecsim_json(black_box(&ok_text))))
    });
    g.bench_function("json_1000_bare", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(200_000);
            bare::lines("bench.jsonl", black_box(&ok_text), &mut out);
            out
        })
    });
    g.finish();
}

criterion_group!(benches, bench_check);
criterion_main!(benches);
