//! Criterion benches for the cost model (`ecsim::cost`): one `cost_batch` call per batch, for
//! the traffic sampling paths (constant, exact per-draw sampling, CLT per batch) and a spot
//! batch over a month-long hourly trace. The replay engine calls `cost_batch` once per batch
//! and trial, so these figures times batches × trials bound the cost overhead of a run.

use chrono::{DateTime, Duration, Utc};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use ecsim::cost::spot::SyntheticMarket;
use ecsim::cost::{
    cost_batch, BatchSpec, DiskSpec, InternetSpec, Prices, SpotBid, SpotSpec, TrafficModel,
};
use ecsim::request::typed::{DiskCategory, InternetChargeType, PerformanceLevel};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn t(s: &str) -> DateTime<Utc> {
    ecsim::time::parse_utc(s).expect("a UTC time")
}

fn batch<'a>(hours: i64, count: u32, data: &'a [DiskSpec]) -> BatchSpec<'a> {
    let start = t("2026-01-01T00:00:00Z");
    BatchSpec {
        region: "cn-hangzhou",
        zone: "cn-hangzhou-i",
        instance_type: "ecs.g7.large",
        count,
        start,
        end: start + Duration::hours(hours),
        system_disk: DiskSpec {
            category: DiskCategory::CloudEssd,
            size_gib: 40,
            performance_level: Some(PerformanceLevel::PL0),
        },
        data_disks: data,
        internet: InternetSpec {
            charge_type: InternetChargeType::PayByTraffic,
            max_bandwidth_out_mbps: 10,
        },
        spot: None,
    }
}

fn costs(c: &mut Criterion) {
    let prices = Prices::default_embedded();
    let data = [DiskSpec {
        category: DiskCategory::CloudEfficiency,
        size_gib: 100,
        performance_level: None,
    }];
    let lognormal = TrafficModel::LogNormal {
        mu: 0.0,
        sigma: 1.0,
    };
    let mut g = c.benchmark_group("cost_batch");
    g.throughput(Throughput::Elements(1));
    let mut rng = ChaCha8Rng::seed_from_u64(1);

    let month = batch(720, 10, &data);
    let constant = TrafficModel::Constant { gb_per_hour: 1.0 };
    g.bench_function("constant_720h_x10", |b| {
        b.iter(|| cost_batch(&prices, black_box(&month), &constant, &mut rng).unwrap())
    });
    g.bench_function("lognormal_clt_720h_x10", |b| {
        b.iter(|| cost_batch(&prices, black_box(&month), &lognormal, &mut rng).unwrap())
    });
    let day = batch(24, 10, &data); // 240 draws: the exact path
    g.bench_function("lognormal_exact_24h_x10", |b| {
        b.iter(|| cost_batch(&prices, black_box(&day), &lognormal, &mut rng).unwrap())
    });

    let market = SyntheticMarket {
        mean_ratio: 0.15,
        reversion: 0.9,
        volatility: 0.2,
    };
    let trace = market.trace(0.59, month.start, 720, &mut ChaCha8Rng::seed_from_u64(2));
    let mut spot = month;
    spot.spot = Some(SpotSpec {
        bid: SpotBid::WithPriceLimit { limit: 0.2 },
        duration_hours: 1,
        trace: &trace,
    });
    g.bench_function("spot_limit_720_point_trace", |b| {
        b.iter(|| cost_batch(&prices, black_box(&spot), &constant, &mut rng).unwrap())
    });
    g.finish();
}

criterion_group!(benches, costs);
criterion_main!(benches);
