//! Criterion benches for the replay engine on a generated scenario (see `ecsim::sim::gen`):
//! one trial of 10,000 requests, preparation (parse + admission), and the whole run of
//! 10,000 requests x 1,000 trials (10 million request-trials) on the current rayon pool.

use std::path::Path;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use ecsim::scenario::file;
use ecsim::sim::gen::{generate, GenSpec};
use ecsim::sim::{self, prepare, run_trial, Options};

fn scenario(requests: usize, trials: u32, amount: u32) -> ecsim::scenario::Scenario {
    let text = generate(GenSpec {
        requests,
        trials,
        amount,
        seed: 1,
    });
    file::parse("generated.json", &text, Path::new(".")).expect("the generated scenario parses")
}

fn replay(c: &mut Criterion) {
    let s = scenario(10_000, 1_000, 1);
    let text = generate(GenSpec {
        requests: 10_000,
        trials: 1_000,
        amount: 1,
        seed: 1,
    });
    let mut g = c.benchmark_group("replay");
    g.sample_size(10);

    g.throughput(Throughput::Elements(10_000));
    g.bench_function("parse_10k_requests", |b| {
        b.iter(|| file::parse("generated.json", black_box(&text), Path::new(".")).unwrap())
    });
    g.bench_function("prepare_10k_requests", |b| {
        b.iter(|| prepare(black_box(&s)))
    });
    let mut plan = prepare(&s);
    g.bench_function("one_trial_10k_requests", |b| {
        b.iter(|| run_trial(black_box(&plan), 7, false))
    });
    // The same trial without the cost model: the pair measures what pricing every batch
    // (LogNormal traffic, both internet methods) adds to the replay.
    plan.with_costs = false;
    g.bench_function("one_trial_10k_requests_no_costs", |b| {
        b.iter(|| run_trial(black_box(&plan), 7, false))
    });
    let big = scenario(10_000, 1_000, 100);
    let plan_big = prepare(&big);
    g.bench_function("one_trial_10k_requests_amount_100", |b| {
        b.iter(|| run_trial(black_box(&plan_big), 7, false))
    });

    g.throughput(Throughput::Elements(10_000_000));
    g.bench_function("run_10k_requests_x_1k_trials", |b| {
        b.iter(|| sim::run(std::slice::from_ref(&s), &Options::default()))
    });
    let no_costs = Options {
        costs: false,
        ..Options::default()
    };
    g.bench_function("run_10k_requests_x_1k_trials_no_costs", |b| {
        b.iter(|| sim::run(std::slice::from_ref(&s), &no_costs))
    });
    g.finish();
}

criterion_group!(benches, replay);
criterion_main!(benches);
