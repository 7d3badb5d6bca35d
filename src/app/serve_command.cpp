// `shoprl serve`: the policies of a model repository over HTTP/JSON (serve/policy_server.h).
// SIGINT or SIGTERM stop it cleanly: requests in flight finish, the decision log is flushed and
// synced, and the exit status is 0; a second signal ends it at once.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "app/command_summaries.h"
#include "app/commands.h"
#include "core/interrupts.h"
#include "jobs/run_context.h"
#include "serve/policy_server.h"

namespace shoprl {

void add_serve_command(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* command = app.add_subcommand("serve", torch_command_summary("", "serve"));
  command->add_option("--models", options->models, "Model repository written by shoprl export")
      ->required();
  command->add_option("--host", options->host, "Address to listen on (default 127.0.0.1)");
  command->add_option("--port", options->port, "Port (default 8000; 0: any free one)")
      ->check(CLI::Range(0, 65535));
  command->add_option("--threads", options->threads, "Request workers (default 2)")
      ->check(CLI::Range(1, 256));
  command->add_option("--log-dir", options->log_dir,
                      "Append every decision and feedback to DIR/decisions.jsonl and "
                      "DIR/feedback.jsonl");
  command
      ->add_option("--log-flush-ms", options->log_flush_ms,
                   "How often the decision log reaches the disk (default 100 ms: what a kill "
                   "-9 can lose)")
      ->check(CLI::Range(1, 60000));
  command
      ->add_option("--max-body-bytes", options->max_body_bytes,
                   "Larger request bodies are refused with 413 (default 1 MiB)")
      ->check(CLI::Range(64, 1 << 30));
  command
      ->add_option("--poll-seconds", options->poll_seconds,
                   "How often the repository is checked for new versions (default 2; 0: "
                   "only on POST /v1/models/NAME/load)")
      ->check(CLI::Range(0.0, 3600.0));
  command->add_option("--seed", options->seed, "Seed of the sampled slates (default 42)");
  command->callback([options, &global] {
    AppConfig defaults;
    apply_logging(defaults, global.quiet);
    PolicyServer server(*options);
    const int port = server.bind();
    // The first SIGINT/SIGTERM stops the server cleanly; a second one interrupts as usual.
    const GracefulStop signals;
    std::atomic<bool> done{false};
    std::thread watcher([&server, &signals, &done] {
      while (signals.received() == 0 && !done)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (done) return;
      spdlog::info("signal {}: finishing the requests in flight and stopping", signals.received());
      server.stop();
    });
    fmt::print("Serving {} on http://{}:{} ({} threads{})\n", options->models.string(),
               options->host, port, options->threads,
               options->log_dir.empty() ? ", no decision log"
                                        : ", decisions to " + options->log_dir.string());
    std::fflush(stdout);
    server.run();
    server.stop();
    done = true;
    watcher.join();
    spdlog::info("stopped");
  });
}

}  // namespace shoprl
