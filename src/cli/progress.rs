//! `run`'s progress on a terminal: a bar over the request-trials with an ETA, then one over
//! the reports, drawn on stderr with indicatif once the run has taken [`SHOW_AFTER`].
//!
//! Silent when stderr is not a terminal or with `--quiet`, and never part of an output
//! file. The engine only adds each finished chunk's request-trials to an atomic counter
//! ([`crate::sim::Options::progress`]); this module's own thread reads the counter a few
//! times a second, so the trials take no lock and nothing is printed from a worker thread.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before its bars show: shorter runs print nothing.
pub const SHOW_AFTER: Duration = Duration::from_secs(1);

/// The trials' bar: how far, and the ETA indicatif estimates from the rate so far.
const TRIALS: &str =
    "trials  [{bar:30}] {percent:>3}%  {human_pos}/{human_len} request-trials  ETA {eta}";
/// The reports' bar: steps done, the one under way.
const REPORTS: &str = "reports [{bar:30}] {pos}/{len}  {msg}  {elapsed}";

/// How often the drawing thread reads the counter.
const TICK: Duration = Duration::from_millis(100);

/// The bars of one run.
#[derive(Debug)]
pub struct Progress {
    /// stderr is a terminal and `--quiet` was not given.
    enabled: bool,
    start: Instant,
}

impl Progress {
    /// Bars for a run starting now: drawn only when stderr is a terminal and not `quiet`.
    pub fn new(quiet: bool) -> Progress {
        Progress {
            enabled: !quiet && std::io::stderr().is_terminal(),
            start: Instant::now(),
        }
    }

    /// Whether the engine should count request-trials for a bar.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Runs `work` while a thread of this module draws `done` of `total` request-trials
    /// (from [`SHOW_AFTER`] on), and clears the bar when `work` returns.
    pub fn trials<T: Send>(
        &self,
        done: &AtomicU64,
        total: u64,
        work: impl FnOnce() -> T + Send,
    ) -> T {
        if !self.enabled {
            return work();
        }
        let finished = AtomicBool::new(false);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                // Counted from the start, shown after SHOW_AFTER: the ETA has the whole rate.
                let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden())
                    .with_style(style(TRIALS));
                let mut shown = false;
                while !finished.load(Ordering::Relaxed) {
                    bar.set_position(done.load(Ordering::Relaxed).min(total));
                    if !shown && self.start.elapsed() >= SHOW_AFTER {
                        bar.set_draw_target(ProgressDrawTarget::stderr());
                        shown = true;
                    }
                    std::thread::sleep(TICK);
                }
                bar.finish_and_clear();
            });
            let out = work();
            finished.store(true, Ordering::Relaxed);
            out
        })
    }

    /// A bar over `steps` report-writing steps, shown when the run has already taken
    /// [`SHOW_AFTER`] (hidden otherwise); [`Steps::step`] names each step as it starts.
    pub fn reports(&self, steps: u64) -> Steps {
        let bar = if self.enabled && self.start.elapsed() >= SHOW_AFTER {
            let bar = ProgressBar::with_draw_target(Some(steps), ProgressDrawTarget::stderr())
                .with_style(style(REPORTS));
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        } else {
            ProgressBar::hidden()
        };
        Steps { bar, started: 0 }
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .expect("the templates are fixed and valid")
        .progress_chars("=> ")
}

/// The report steps' bar; cleared when dropped.
#[derive(Debug)]
pub struct Steps {
    bar: ProgressBar,
    started: u64,
}

impl Steps {
    /// Marks the previous step done and names the one starting (`charts`, `report.html`).
    pub fn step(&mut self, what: &'static str) {
        self.bar.set_position(self.started);
        self.started += 1;
        self.bar.set_message(what);
    }
}

impl Drop for Steps {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_or_a_test_harness_draws_nothing_and_still_runs_the_work() {
        let p = Progress::new(true);
        assert!(!p.enabled());
        let done = AtomicU64::new(0);
        assert_eq!(p.trials(&done, 10, || 7), 7);
        let mut steps = p.reports(3);
        steps.step("charts");
        assert!(steps.bar.is_hidden());
    }

    #[test]
    fn the_templates_are_valid() {
        // style() panics on a bad template; build both here, not first on a user's terminal.
        let _ = style(TRIALS);
        let _ = style(REPORTS);
    }
}
